import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.ts';

const NOW = Date.parse('2024-01-29T10:00:00.000Z');

describe('Retry-After', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
  });

  it('reads an HTTP date relative to now', () => {
    expect(retryAfterMs('Mon, 29 Jan 2024 10:01:30 GMT', NOW)).toBe(90_000);
  });

  it('ignores a date in the past, zero, and nonsense', () => {
    expect(retryAfterMs('Mon, 29 Jan 2024 09:00:00 GMT', NOW)).toBeUndefined();
    expect(retryAfterMs('0', NOW)).toBeUndefined();
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });

  it('never asks for more than a day', () => {
    expect(retryAfterMs('999999999', NOW)).toBe(24 * 60 * 60 * 1000);
  });
});
