import { describe, expect, it } from 'vitest';
import { countFromDecimalString, countFromNumber, sumOfCounts } from './counts.ts';

describe('counts', () => {
  it('takes only non-negative safe integers from JSON numbers', () => {
    expect(countFromNumber(0)).toBe(0n);
    expect(countFromNumber(48213)).toBe(48213n);
    for (const value of [-1, 1.5, Number.NaN, 2 ** 53, '12', null, undefined, true]) {
      expect(countFromNumber(value)).toBeNull();
    }
  });

  it('parses decimal strings exactly, beyond 2^53', () => {
    expect(countFromDecimalString('18446744073709551615')).toBe(18446744073709551615n);
    for (const value of ['', '1.8M', '1,843', ' 12', '-3', '1e6', 12]) {
      expect(countFromDecimalString(value)).toBeNull();
    }
  });

  it('only sums when every part is known', () => {
    expect(sumOfCounts(9120n, 688n)).toBe(9808n);
    expect(sumOfCounts(9120n, null)).toBeNull();
  });
});
