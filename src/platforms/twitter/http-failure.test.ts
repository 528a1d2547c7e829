import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './http-failure.ts';

const NOW = Date.parse('2024-07-13T13:00:00.000Z');

describe('retryAfterMs', () => {
  it('reads Retry-After in seconds', () => {
    expect(retryAfterMs({ 'retry-after': '30' }, NOW)).toBe(30_000);
  });

  it('reads Retry-After as an HTTP date', () => {
    expect(retryAfterMs({ 'Retry-After': 'Sat, 13 Jul 2024 13:02:00 GMT' }, NOW)).toBe(120_000);
  });

  it("reads X's x-rate-limit-reset as unix seconds", () => {
    expect(retryAfterMs({ 'x-rate-limit-reset': String(NOW / 1000 + 900) }, NOW)).toBe(900_000);
  });

  it('gives nothing for a reset in the past or a header that is not a time', () => {
    expect(retryAfterMs({ 'x-rate-limit-reset': String(NOW / 1000 - 5) }, NOW)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    expect(retryAfterMs({}, NOW)).toBeUndefined();
  });
});
