// When a failed delivery is tried again: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after each failed
// attempt (the last attempt comes ~28 hours after the first), each wait stretched by up to 10 % so the
// deliveries of one outage do not all come back in the same second. After the eighth attempt fails, the
// delivery is `failed` (it can still be redelivered by hand).
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const RETRY_DELAYS_MS = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
] as const;

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** The wait after the `attempt`-th failed attempt (1-based), or null when it was the last. */
export function retryDelayAfter(attempt: number, random: () => number): number | null {
  const base = RETRY_DELAYS_MS[attempt - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 + 0.1 * Math.min(Math.max(random(), 0), 1)));
}
