// One breaker per platform (live mode): after a run of consecutive trouble it opens, holding that platform's
// collections back, then lets one probe through after a cooldown that doubles while the platform stays down.

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  failureThreshold: number;
  initialCooldownMs: number;
  maxCooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  failureThreshold: 10,
  initialCooldownMs: 30_000,
  maxCooldownMs: 10 * 60_000,
};

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private cooldownMs: number;
  private openUntil = 0;
  private probing = false;

  constructor(private readonly options: BreakerOptions = DEFAULT_BREAKER) {
    this.cooldownMs = options.initialCooldownMs;
  }

  state(now: number): BreakerState {
    if (this.consecutiveFailures < this.options.failureThreshold) return 'closed';
    return now < this.openUntil ? 'open' : 'half_open';
  }

  /** Whether a collection may go to the platform now; in half-open state only one probe at a time. */
  tryAcquire(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** When held-back collections should be tried again. */
  retryAt(now: number): number {
    return Math.max(this.openUntil, now + 1_000);
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.cooldownMs = this.options.initialCooldownMs;
    this.probing = false;
  }

  recordTrouble(now: number): void {
    const wasProbing = this.probing;
    this.probing = false;
    this.consecutiveFailures++;
    if (this.consecutiveFailures === this.options.failureThreshold || wasProbing) {
      if (wasProbing) this.cooldownMs = Math.min(this.options.maxCooldownMs, this.cooldownMs * 2);
      this.openUntil = now + this.cooldownMs;
    }
  }

  /** A failure that says nothing about the platform's health (e.g. one private video). */
  recordNeutral(): void {
    this.probing = false;
  }
}
