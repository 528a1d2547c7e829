// Per-key request limits in fixed one-minute windows, held in this process's memory (each API process
// counts its own requests; behind N processes a key gets at most N × its limit).
import type { Clock } from '../clock.ts';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the current window ends. */
  resetAtSeconds: number;
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;

export interface RateLimiter {
  take(keyId: string, limitPerMinute: number): RateDecision;
}

export function createRateLimiter(clock: Clock): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let currentStart = 0;
  return {
    take(keyId, limit) {
      const now = clock.now();
      const start = now - (now % WINDOW_MS);
      if (start !== currentStart) {
        // A new minute: counts of the old one are worthless, so drop them all instead of sweeping entries.
        windows.clear();
        currentStart = start;
      }
      const window = windows.get(keyId) ?? { start, count: 0 };
      windows.set(keyId, window);
      const resetAtMs = start + WINDOW_MS;
      const allowed = window.count < limit;
      if (allowed) window.count++;
      return {
        allowed,
        limit,
        remaining: Math.max(0, limit - window.count),
        resetAtSeconds: Math.ceil(resetAtMs / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - now) / 1000)),
      };
    },
  };
}
