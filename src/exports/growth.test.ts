import { describe, expect, it } from 'vitest';
import { countDifference } from './growth.ts';

describe('countDifference', () => {
  it('is exact on both sides of 2^53, and null unless both counts are known', () => {
    expect(countDifference('2150000', '1000000')).toBe('1150000');
    expect(countDifference('999', '1000')).toBe('-1');
    expect(countDifference('999999999999999', '0')).toBe('999999999999999');
    expect(countDifference('9007199254740993', '9007199254740000')).toBe('993');
    expect(countDifference('18446744073709551615', '1')).toBe('18446744073709551614');
    expect(countDifference(null, '1')).toBeNull();
    expect(countDifference('1', null)).toBeNull();
    expect(countDifference('1', undefined)).toBeNull();
  });
});
