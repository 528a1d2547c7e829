import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGuestActivateResponse } from './guest-token.ts';

describe('parseGuestActivateResponse', () => {
  it('reads the guest token', () => {
    const body = readFileSync(new URL('./fixtures/guest-activate.json', import.meta.url), 'utf8');
    expect(parseGuestActivateResponse(body)).toEqual({ ok: true, value: '1861234567890123456' });
  });

  it.each([
    ['', 'not JSON'],
    ['{"guest_token":1861234567890123456}', 'a number (already rounded by JSON)'],
    ['{"guest_token":"abc"}', 'not digits'],
    ['{}', 'missing'],
  ])('reports format_changed for %s (%s)', (body) => {
    expect(parseGuestActivateResponse(body)).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });
});
