// How long to wait before the next attempt: capped exponential backoff with full jitter (a uniform draw
// between 0 and the capped exponential), so many rows that failed together — an SMTP outage — do not all
// come back in the same second.

export interface BackoffPolicy {
  /** The ceiling of the first retry; it doubles with each attempt. */
  baseDelayMs: number;
  /** No ceiling grows past this. */
  maxDelayMs: number;
  /** A number in [0, 1); Math.random in production, a constant in tests. */
  random: () => number;
}

/** The delay after the `attempt`-th failed attempt (1-based). */
export function retryDelayMs(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const draw = Math.min(Math.max(policy.random(), 0), 1);
  return Math.floor(draw * ceiling);
}
