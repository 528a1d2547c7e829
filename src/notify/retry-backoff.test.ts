import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-backoff.ts';

const policy = (random: number) => ({ baseDelayMs: 60_000, maxDelayMs: 4 * 3_600_000, random: () => random });

describe('retry backoff', () => {
  it('doubles the ceiling with each attempt up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((attempt) =>
      retryDelayMs(attempt, policy(0.999999)),
    );
    expect(ceilings.map((ms) => Math.round(ms / 60_000))).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 240, 240]);
  });

  it('draws the delay uniformly below the ceiling (full jitter)', () => {
    expect(retryDelayMs(3, policy(0))).toBe(0);
    expect(retryDelayMs(3, policy(0.5))).toBe(120_000);
  });

  it('stays finite for absurd attempt counts', () => {
    expect(retryDelayMs(10_000, policy(0.5))).toBe(2 * 3_600_000);
  });
});
