import { describe, expect, it } from 'vitest';
import { parseCount, parseDigitString } from './parse-count.ts';

describe('parseCount reads counts as YouTube prints them', () => {
  it.each([
    ['1,234,567', 1_234_567n, true],
    ['1234567', 1_234_567n, true],
    ['0', 0n, true],
    ['48,213,997 views', 48_213_997n, true],
    ['like this video along with 1,234,567 other people', 1_234_567n, true],
    ['20,482', 20_482n, true],
    ['1 comment', 1n, true],
    ['No comments', 0n, true],
    ['No views', 0n, true],
    ['9,223,372,036,854,775,808', 9_223_372_036_854_775_808n, true],
    ['2.5M', 2_500_000n, false],
    ['501K', 501_000n, false],
    ['1.2B', 1_200_000_000n, false],
    ['1.25M views', 1_250_000n, false],
    ['12K', 12_000n, false],
    ['3.4k', 3_400n, false],
    ['7\u00a0M', 7_000_000n, false],
    ['48M views', 48_000_000n, false],
  ])('%s is %s (exact: %s)', (text, value, exact) => {
    expect(parseCount(text)).toEqual({ value, exact });
  });

  it.each([['Like'], [''], ['1,23'], ['1.234.567'], ['1.5'], ['1.2345K'], ['Comments'], ['—']])(
    '%j is not a count',
    (text) => {
      expect(parseCount(text)).toBeNull();
    },
  );
});

describe('parseDigitString reads the exact counts in YouTube JSON', () => {
  it('reads a digit string exactly, beyond 2^53', () => {
    expect(parseDigitString('48213997')).toBe(48_213_997n);
    expect(parseDigitString('9007199254740993')).toBe(9_007_199_254_740_993n);
  });

  it('accepts a safe non-negative integer number', () => {
    expect(parseDigitString(3071)).toBe(3071n);
  });

  it.each([[undefined], [null], [''], ['12.5'], ['-3'], ['1,234'], [1.5], [-1], [{}]])(
    'gives null for %j rather than a guess',
    (value) => {
      expect(parseDigitString(value)).toBeNull();
    },
  );
});
