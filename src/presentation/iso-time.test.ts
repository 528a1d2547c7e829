import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iso } from './iso-time.ts';

// Date's range: ±8.64e15 ms around the epoch.
const DATE_LIMIT = 8_640_000_000_000_000;

describe('iso', () => {
  it('writes every instant exactly as toISOString does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -DATE_LIMIT, max: DATE_LIMIT }), (ms) => {
        expect(iso(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('is right across day, month, leap-year and epoch boundaries, in any order', () => {
    const edges = [
      0,
      -1,
      1,
      86_399_999,
      86_400_000,
      Date.UTC(2024, 1, 28, 23, 59, 59, 999),
      Date.UTC(2024, 1, 29),
      Date.UTC(2024, 2, 1),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1),
      Date.UTC(1969, 11, 31, 12),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      -62_198_755_200_000,
      DATE_LIMIT,
      -DATE_LIMIT,
    ];
    for (const ms of [...edges, ...edges.reverse()]) expect(iso(ms)).toBe(new Date(ms).toISOString());
  });

  it('refuses what Date refuses, even just after formatting an instant of the same day', () => {
    for (const ms of [DATE_LIMIT + 1, -DATE_LIMIT - 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      if (Number.isFinite(ms)) iso(Math.sign(ms) * DATE_LIMIT);
      expect(() => iso(ms)).toThrow(RangeError);
    }
  });

  it('formats a fractional millisecond as Date does (truncated)', () => {
    expect(iso(1_700_000_000_123.7)).toBe(new Date(1_700_000_000_123.7).toISOString());
  });
});
