import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';

const options = { failureThreshold: 3, initialCooldownMs: 1_000, maxCooldownMs: 4_000 };

describe('the circuit breaker', () => {
  it('stays closed below the threshold and opens at it', () => {
    const breaker = new CircuitBreaker(options);
    breaker.recordTrouble(0);
    breaker.recordTrouble(0);
    expect(breaker.state(0)).toBe('closed');
    breaker.recordTrouble(0);
    expect(breaker.state(0)).toBe('open');
    expect(breaker.tryAcquire(500)).toBe(false);
  });

  it('lets exactly one probe through after the cooldown', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.recordTrouble(0);
    expect(breaker.tryAcquire(1_000)).toBe(true);
    expect(breaker.tryAcquire(1_000)).toBe(false);
  });

  it('closes after a successful probe', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.recordTrouble(0);
    breaker.tryAcquire(1_000);
    breaker.recordSuccess();
    expect(breaker.state(1_000)).toBe('closed');
  });

  it('doubles the cooldown after a failed probe, up to the maximum', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.recordTrouble(0);
    breaker.tryAcquire(1_000);
    breaker.recordTrouble(1_000);
    expect(breaker.state(2_999)).toBe('open');
    expect(breaker.state(3_000)).toBe('half_open');
    breaker.tryAcquire(3_000);
    breaker.recordTrouble(3_000);
    expect(breaker.state(6_999)).toBe('open');
    breaker.tryAcquire(7_000);
    breaker.recordTrouble(7_000);
    expect(breaker.state(10_999)).toBe('open');
    expect(breaker.state(11_000)).toBe('half_open');
  });
});
