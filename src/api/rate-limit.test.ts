import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, type TestStore } from '../../test/support/stores.ts';
import { TestClock } from '../clock.ts';
import {
  addressGroup,
  createRateLimiter,
  createSharedRateLimiter,
  type RateDecision,
  type RateLimiter,
} from './rate-limit.ts';

const MINUTE = 60_000;

describe('the in-memory limiter (one API process)', () => {
  it('admits the limit per key and minute, then says how long to wait', () => {
    const clock = new TestClock(10 * MINUTE + 15_000);
    const limiter = createRateLimiter(clock);
    const decisions = Array.from({ length: 4 }, () => limiter.take('key_a', 3) as RateDecision);
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(decisions[3]).toMatchObject({ retryAfterSeconds: 45, resetAtSeconds: 660 });
    expect((limiter.take('key_b', 3) as RateDecision).allowed).toBe(true);
    clock.advance(45_000);
    expect((limiter.take('key_a', 3) as RateDecision).allowed).toBe(true);
  });
});

describe('the per-address limiter (requests without a valid key)', () => {
  it('limits an IPv4 address as itself and an IPv6 address by its /64', () => {
    expect(addressGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:0DB8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('2001:db8:1::')).toBe('2001:db8:1:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressGroup('2001:db8:1:2:3:4:192.0.2.1')).toBe('2001:db8:1:2::/64');
  });

  it('holds at most its cap of addresses a minute: addresses past it share one count', () => {
    const clock = new TestClock(10 * MINUTE);
    const limiter = createRateLimiter(clock, { maxIdsPerWindow: 3 });
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3'])
      expect(limiter.take(address, 2).allowed).toBe(true);
    // Two newcomers past the cap draw on one count of 2; the first three keep their own.
    expect(limiter.take('192.0.2.4', 2).remaining).toBe(1);
    expect(limiter.take('192.0.2.5', 2).remaining).toBe(0);
    expect(limiter.take('192.0.2.6', 2).allowed).toBe(false);
    expect(limiter.take('192.0.2.1', 2)).toMatchObject({ allowed: true, remaining: 0 });
    // A new minute starts empty.
    clock.advance(MINUTE);
    expect(limiter.take('192.0.2.6', 2)).toMatchObject({ allowed: true, remaining: 1 });
  });
});

describe.each(DIALECTS)('the shared limiter: processes on one database (%s)', (dialect) => {
  let store: TestStore;
  const clock = new TestClock(100 * MINUTE);
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.destroy());

  const processes = (n: number): RateLimiter[] =>
    Array.from({ length: n }, () => createSharedRateLimiter(store, clock));
  const admitted = (decisions: RateDecision[]) => decisions.filter((d) => d.allowed).length;

  it('three processes taking turns admit exactly the limit together, claiming it a share at a time', async () => {
    clock.set(101 * MINUTE);
    const [a, b, c] = processes(3);
    const decisions: RateDecision[] = [];
    // a takes a few, then everyone takes turns until well past the limit.
    for (let i = 0; i < 7; i++) decisions.push(await a!.take('key_turns', 1_000));
    for (let i = 0; i < 1_100; i++) decisions.push(await [a!, b!, c!][i % 3]!.take('key_turns', 1_000));
    expect(admitted(decisions)).toBe(1_000);
    // What the processes claimed together, in shares of 10 and then one by one: the limit, no more.
    const [row] = await store.db
      .selectFrom('rate_limit_windows')
      .select('claimed')
      .where('key_id', '=', 'key_turns')
      .execute();
    expect(Number(row!.claimed)).toBe(1_000);
  });

  it('concurrent requests in two processes never pass the limit', async () => {
    clock.set(102 * MINUTE);
    const [a, b] = processes(2);
    const decisions = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a! : b!).take('key_race', 25)),
    );
    expect(admitted(decisions)).toBe(25);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.remaining === 0)).toBe(true);
  });

  it('a refusal is answered from memory for the rest of the minute; the next minute starts afresh', async () => {
    clock.set(103 * MINUTE + 20_000);
    const [a] = processes(1);
    for (let i = 0; i < 2; i++) expect((await a!.take('key_full', 2)).allowed).toBe(true);
    const refused = await a!.take('key_full', 2);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 40 });
    // Even if the window's row vanished, this process does not ask again within the minute.
    await store.db.deleteFrom('rate_limit_windows').where('key_id', '=', 'key_full').execute();
    expect(a!.take('key_full', 2)).toMatchObject({ allowed: false });
    clock.advance(40_000);
    expect((await a!.take('key_full', 2)).allowed).toBe(true);
  });

  it('the rows of past minutes are deleted when a new minute begins', async () => {
    clock.set(110 * MINUTE);
    const [a] = processes(1);
    await a!.take('key_old', 5);
    clock.set(111 * MINUTE);
    await a!.take('key_new', 5);
    // The deletion runs beside the request; give it a moment to land.
    await expect
      .poll(async () =>
        (await store.db.selectFrom('rate_limit_windows').select('key_id').execute()).map((r) => r.key_id),
      )
      .toEqual(['key_new']);
  });
});
