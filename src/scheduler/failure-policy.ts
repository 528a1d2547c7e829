// What each kind of collection failure means. One table, so the consequence of a kind is decided once.
import type { CollectFailure, FailureKind } from '../platforms/types.ts';

export type FailureConsequence = 'end_tracking' | 'retry_then_miss';

/**
 * | kind            | consequence                                                                    |
 * |-----------------|--------------------------------------------------------------------------------|
 * | not_found       | tracking ends in `error` (is_deleted when the platform says deleted); no charge |
 * | private         | tracking ends in `error`; no charge                                             |
 * | rate_limited    | retried (not before Retry-After) until the next slot is due, then missed        |
 * | blocked         | retried with backoff until the next slot is due, then missed                    |
 * | transient       | retried with backoff until the next slot is due, then missed                    |
 * | format_changed  | retried with backoff until the next slot is due, then missed (parser may be out of date: see metrics) |
 */
export const FAILURE_CONSEQUENCES: Record<FailureKind, FailureConsequence> = {
  not_found: 'end_tracking',
  private: 'end_tracking',
  rate_limited: 'retry_then_miss',
  blocked: 'retry_then_miss',
  transient: 'retry_then_miss',
  format_changed: 'retry_then_miss',
};

/** Kinds that say the platform as a whole is struggling (they feed its circuit breaker). */
export const PLATFORM_TROUBLE: ReadonlySet<FailureKind> = new Set(['rate_limited', 'blocked', 'transient']);

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random: () => number;
}

export const DEFAULT_BACKOFF: Omit<BackoffPolicy, 'random'> = { baseMs: 5_000, capMs: 10 * 60_000 };

/** Capped exponential backoff with full jitter: uniform in [0, min(cap, base · 2^attempt)]. */
export function retryDelayMs(attempt: number, failure: CollectFailure, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  const jittered = Math.floor(policy.random() * ceiling);
  // Never earlier than the platform asked; never less than a second, so a failing video cannot spin.
  return Math.max(1_000, jittered, failure.retryAfterMs ?? 0);
}
