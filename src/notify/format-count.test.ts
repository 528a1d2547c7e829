import { describe, expect, it } from 'vitest';
import { formatCount, formatGrowth, formatGrowthPercent } from './format-count.ts';

describe('counts shown to people', () => {
  it('groups thousands exactly, also beyond 2^53', () => {
    expect(formatCount(0n)).toBe('0');
    expect(formatCount(999n)).toBe('999');
    expect(formatCount(1000n)).toBe('1,000');
    expect(formatCount(1234567n)).toBe('1,234,567');
    expect(formatCount(9_007_199_254_740_993n)).toBe('9,007,199,254,740,993');
    expect(formatCount(-1234n)).toBe('-1,234');
  });

  it('shows a metric the platform does not expose as a dash, never as 0', () => {
    expect(formatCount(null)).toBe('—');
    expect(formatGrowth(null)).toBe('—');
    expect(formatGrowthPercent(null, 5n)).toBeNull();
  });

  it('signs growth and leaves no change unsigned', () => {
    expect(formatGrowth(1500n)).toBe('+1,500');
    expect(formatGrowth(-20n)).toBe('-20');
    expect(formatGrowth(0n)).toBe('0');
  });

  it('gives growth in percent to one decimal, rounded half away from zero, without a base of 0', () => {
    expect(formatGrowthPercent(1000n, 1150n)).toBe('+115.0%');
    expect(formatGrowthPercent(300n, 230n)).toBe('+76.7%');
    expect(formatGrowthPercent(2000n, 1n)).toBe('+0.1%'); // 0.05% rounds up
    expect(formatGrowthPercent(2000n, -1n)).toBe('-0.1%');
    expect(formatGrowthPercent(3000n, 1n)).toBe('0.0%');
    expect(formatGrowthPercent(10n, 100_000n)).toBe('+1,000,000.0%');
    expect(formatGrowthPercent(0n, 5n)).toBeNull();
  });
});
