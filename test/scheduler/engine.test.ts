import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import type { EngineOptions } from '../../src/scheduler/engine.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine, scriptedCollector } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const VIDEO = '7301234567890123456';

describe.each(DIALECTS)('the snapshot engine (%s)', (dialect) => {
  let api: TestApi;
  let clock: TestClock;
  let script: ReturnType<typeof scriptedCollector>;
  let account: { id: string; liveKey: string; testKey: string };

  beforeEach(async () => {
    clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
    script = scriptedCollector('tiktok', clock);
    api = await createTestApi(dialect, { clock, liveCollectors: { tiktok: script.collector } });
    account = await api.createAccount({ creditUsd: 10 });
  });
  afterEach(() => api.close());

  const track = async (days = 1, id = VIDEO, key = account.liveKey) => {
    const response = await api.call('POST', '/api/v1/videos/track', {
      key,
      body: { video_link: `https://www.tiktok.com/@u/video/${id}`, duration_days: days },
    });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string };
  };
  const video = async (id: string, key = account.liveKey) =>
    (await api.call('GET', `/api/v1/videos/${id}`, { key })).json();

  it('collects each slot when it is due, charging each stored snapshot once', async () => {
    const { id } = await track();
    const engine = createTestEngine(api);
    expect((await engine.runDue()).leased).toBe(0);
    clock.advance(HOUR);
    const summary = await engine.runDue();
    expect(summary.fates.stored).toBe(1);
    expect(summary.latenessMs).toEqual([0]);
    const v = await video(id);
    expect(v.snapshots.map((s: { slot: number }) => s.slot)).toEqual([0, 1]);
    expect(v.snapshots[1].snapshot_time).toBe('2024-01-29T11:00:00.000Z');
    expect(v.next_snapshot_at).toBe('2024-01-29T12:00:00.000Z');
    expect(Number(BigInt(v.snapshots[1].views) >= BigInt(v.snapshots[0].views))).toBe(1);
    const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    expect(usage).toMatchObject({
      total_snapshots: 2,
      total_charged_usd: 0.03,
      balance_usd: 9.97,
      uncharged_usage_usd: 0.33,
    });
    await expectInvariants(api.store, account.id);
  });

  it('a second pass at the same moment changes nothing', async () => {
    await track();
    const engine = createTestEngine(api);
    clock.advance(HOUR);
    await engine.runDue();
    const again = await engine.runDue();
    expect(again.leased).toBe(0);
    await expectInvariants(api.store, account.id);
  });

  it('completes after the last slot and releases nothing more than is left', async () => {
    const { id } = await track(1);
    const engine = createTestEngine(api);
    for (let hour = 1; hour < 24; hour++) {
      clock.advance(HOUR);
      await engine.runDue();
    }
    const v = await video(id);
    expect(v).toMatchObject({
      status: 'completed',
      snapshots_collected: 24,
      snapshots_missed: 0,
      days_remaining: 0,
      next_snapshot_at: null,
    });
    expect(v.ended_at).toBe('2024-01-30T09:00:00.000Z');
    const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    expect(usage).toMatchObject({
      total_charged_usd: 0.36,
      balance_usd: 9.64,
      uncharged_usage_usd: 0,
      active_videos: 0,
    });
    const outbox = await api.store.db.selectFrom('outbox').selectAll().execute();
    // The email row carries the token of the 30-day share link its data links open (see notify/).
    expect(outbox.map((o) => JSON.parse(o.payload))).toEqual([
      {
        event: 'tracking.completed',
        video_id: id,
        share_token: expect.stringMatching(/^shr_/),
        share_expires_at: expect.any(Number),
      },
    ]);
    await expectInvariants(api.store, account.id);
  });

  it('a failed collection is retried with backoff, never charged, then stored when the platform recovers', async () => {
    const { id } = await track();
    const engine = createTestEngine(api);
    clock.advance(HOUR);
    script.failures.set(VIDEO, { kind: 'transient', message: 'timeout' });
    const first = await engine.runDue();
    expect(first.fates.retry).toBe(1);
    const afterFailure = await video(id);
    expect(afterFailure.snapshots_collected).toBe(1);
    // random 0.5 of base 5 s → 2.5 s later.
    expect(afterFailure.next_snapshot_at).toBe('2024-01-29T11:00:02.500Z');
    await expectInvariants(api.store, account.id);
    script.failures.delete(VIDEO);
    clock.advance(2_500);
    expect((await engine.runDue()).fates.stored).toBe(1);
    const recovered = await video(id);
    expect(recovered.snapshots.at(-1)).toMatchObject({ slot: 1, snapshot_time: '2024-01-29T11:00:02.500Z' });
    expect(recovered.next_snapshot_at).toBe('2024-01-29T12:00:00.000Z');
    await expectInvariants(api.store, account.id);
  });

  it('a slot that keeps failing until the next one is due is recorded as missed and not charged', async () => {
    const { id } = await track();
    // The breaker would hold this lone video back (tested below); here the retry policy alone decides.
    const engine = createTestEngine(api, {
      breaker: { failureThreshold: 1_000, initialCooldownMs: 1, maxCooldownMs: 1 },
    });
    script.failures.set(VIDEO, { kind: 'blocked', message: 'captcha' });
    clock.advance(HOUR);
    let passes = 0;
    while ((await video(id)).snapshots_missed === 0 && passes < 100) {
      const next = Date.parse((await video(id)).next_snapshot_at);
      clock.set(Math.max(next, clock.now()));
      await engine.runDue();
      passes++;
    }
    const v = await video(id);
    expect(passes).toBeGreaterThan(3);
    expect(v).toMatchObject({
      snapshots_collected: 1,
      snapshots_missed: 1,
      status: 'monitoring',
      next_snapshot_at: '2024-01-29T12:00:00.000Z',
    });
    expect(clock.now()).toBeLessThan(Date.parse('2024-01-29T12:00:00.000Z'));
    const missed = (
      await api.call('GET', `/api/v1/videos/${id}/snapshots?include_missed=true`, { key: account.liveKey })
    ).json();
    expect(missed.snapshots[1]).toMatchObject({ slot: 1, missed: true, views: null, likes: null });
    await expectInvariants(api.store, account.id);
  });

  it('a rate-limited collection is not retried before Retry-After', async () => {
    const { id } = await track();
    const engine = createTestEngine(api);
    script.failures.set(VIDEO, { kind: 'rate_limited', message: '429', retryAfterMs: 120_000 });
    clock.advance(HOUR);
    await engine.runDue();
    expect((await video(id)).next_snapshot_at).toBe('2024-01-29T11:02:00.000Z');
  });

  it.each([
    ['private', { kind: 'private', message: 'private' }, false, 'Video is private'],
    ['deleted', { kind: 'not_found', message: 'gone', deleted: true }, true, 'Video was deleted'],
  ] as const)(
    'a %s video ends the tracking in error and releases the reservation',
    async (_name, failure, deleted, reason) => {
      const { id } = await track();
      const engine = createTestEngine(api);
      clock.advance(HOUR);
      script.failures.set(VIDEO, failure);
      expect((await engine.runDue()).fates.ended).toBe(1);
      const v = await video(id);
      expect(v).toMatchObject({
        status: 'error',
        is_deleted: deleted,
        error_reason: reason,
        snapshots_collected: 1,
        next_snapshot_at: null,
      });
      const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
      expect(usage).toMatchObject({ uncharged_usage_usd: 0, total_charged_usd: 0.015, balance_usd: 9.985 });
      clock.advance(HOUR);
      expect((await engine.runDue()).leased).toBe(0);
      const outbox = await api.store.db.selectFrom('outbox').selectAll().execute();
      expect(outbox.map((o) => JSON.parse(o.payload).event)).toEqual(['tracking.error']);
      await expectInvariants(api.store, account.id);
    },
  );

  it('after downtime it takes one snapshot for the current slot and records the older ones as missed', async () => {
    const { id } = await track();
    const engine = createTestEngine(api);
    clock.advance(5 * HOUR + 10 * 60_000);
    const summary = await engine.runDue();
    expect(summary.fates.stored).toBe(1);
    const v = await video(id);
    expect(v).toMatchObject({
      snapshots_collected: 2,
      snapshots_missed: 4,
      next_snapshot_at: '2024-01-29T16:00:00.000Z',
    });
    expect(v.snapshots.map((s: { slot: number }) => s.slot)).toEqual([0, 5]);
    await expectInvariants(api.store, account.id);
  });

  it('after downtime past the end of the window the tracking completes with the rest missed', async () => {
    const { id } = await track(1);
    const engine = createTestEngine(api);
    clock.advance(30 * HOUR);
    await engine.runDue();
    const v = await video(id);
    expect(v).toMatchObject({ status: 'completed', snapshots_collected: 1, snapshots_missed: 23 });
    await expectInvariants(api.store, account.id);
  });

  it('a paused video skips its slots without charge; resume re-reserves and continues in its window', async () => {
    const { id } = await track(1);
    const engine = createTestEngine(api);
    clock.advance(30 * 60_000);
    const pause = await api.call('POST', `/api/v1/videos/${id}/pause`, { key: account.liveKey });
    expect(pause.json()).toMatchObject({ previous_status: 'monitoring', new_status: 'paused' });
    let usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    expect(usage).toMatchObject({ uncharged_usage_usd: 0, balance_usd: 9.985 });
    clock.advance(3 * HOUR);
    expect((await engine.runDue()).leased).toBe(0);
    expect((await api.call('POST', `/api/v1/videos/${id}/pause`, { key: account.liveKey })).statusCode).toBe(
      409,
    );
    const resume = await api.call('POST', `/api/v1/videos/${id}/resume`, { key: account.liveKey });
    expect(resume.json()).toMatchObject({ previous_status: 'paused', new_status: 'monitoring' });
    usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    // Slots 3..23 remain (21 × 0.015).
    expect(usage.uncharged_usage_usd).toBeCloseTo(0.315, 9);
    expect((await engine.runDue()).fates.stored).toBe(1);
    const v = await video(id);
    expect(v).toMatchObject({ status: 'monitoring', snapshots_collected: 2, snapshots_missed: 2 });
    expect(v.snapshots.map((s: { slot: number }) => s.slot)).toEqual([0, 3]);
    await expectInvariants(api.store, account.id);
  });

  it('a stopped video is never collected again, even if its slot was already leased', async () => {
    const { id } = await track();
    clock.advance(HOUR);
    const slow = createTestEngine(api, {
      collectorFor: (mode, platform) => ({
        platform,
        batchSize: 1,
        collect: async (refs) => {
          await api.call('POST', `/api/v1/videos/${id}/stop`, { key: account.liveKey });
          return await api.parts.collectorFor(mode, platform)!.collect(refs);
        },
      }),
    });
    const summary = await slow.runDue();
    expect(summary.fates.skipped).toBe(1);
    const v = await video(id);
    expect(v).toMatchObject({ status: 'completed', snapshots_collected: 1 });
    await expectInvariants(api.store, account.id);
  });

  it('test-mode videos are collected from the simulator and never charged', async () => {
    const { id } = await track(1, VIDEO, account.testKey);
    const engine = createTestEngine(api);
    clock.advance(2 * HOUR);
    await engine.runDue();
    const v = await video(id, account.testKey);
    expect(v.snapshots.map((s: { provider: string }) => s.provider)).toEqual(['simulator', 'simulator']);
    expect(script.calls).toEqual([]);
    const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    expect(usage.balance_usd).toBe(10);
    await expectInvariants(api.store, account.id);
  });

  it('a live platform failing again and again opens its circuit breaker, holding collections back', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(`73012345678901234${String(i).padStart(2, '0')}`);
    await api.call('PATCH', `/admin/v1/accounts/${account.id}`, {
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
      body: { max_active_videos: 50 },
    });
    for (const vid of ids) await track(1, vid);
    for (const vid of ids) script.failures.set(vid, { kind: 'blocked', message: 'captcha' });
    const engine = createTestEngine(api, {
      perPlatformConcurrency: 1,
      breaker: { failureThreshold: 1, initialCooldownMs: 60_000, maxCooldownMs: 600_000 },
    });
    clock.advance(HOUR);
    const callsBefore = script.calls.length;
    const summary = await engine.runDue();
    expect(engine.breakerState('tiktok')).toBe('open');
    expect(summary.fates.held_back).toBe(2);
    expect(script.calls.length - callsBefore).toBe(10);
    // Held back, not failed: no attempt counted, nothing missed yet, retried when the breaker lets a probe through.
    clock.advance(60_000);
    const probe = await engine.runDue();
    expect(probe.leased).toBeGreaterThan(0);
  });
});

describe('stopping the engine', () => {
  it('does not start batches it has not begun once stop is called, and leaves their slots to be collected later', async () => {
    const clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
    const api = await createTestApi('sqlite', { clock });
    try {
      const account = await api.createAccount();
      await api.call('PATCH', `/admin/v1/accounts/${account.id}`, {
        headers: { authorization: 'Bearer test-admin-token-0123456789' },
        body: { max_active_videos: 100 },
      });
      for (let i = 0; i < 30; i++) {
        await api.call('POST', '/api/v1/videos/track', {
          key: account.testKey,
          body: {
            video_link: `https://www.tiktok.com/@u/video/73012345678901234${String(i).padStart(2, '0')}`,
            duration_days: 1,
          },
        });
      }
      let engine!: ReturnType<typeof createTestEngine>;
      let collected = 0;
      engine = createTestEngine(api, {
        concurrency: 1,
        soleScheduler: true,
        collectorFor: (mode, platform) => ({
          platform,
          batchSize: 10,
          collect: async (refs) => {
            collected += refs.length;
            void engine.stop(0);
            return api.parts.collectorFor(mode, platform)!.collect(refs);
          },
        }),
      });
      clock.advance(3_600_000);
      const summary = await engine.runDue();
      // The first batch finished; the other two were never started.
      expect(summary.fates.stored).toBe(10);
      expect(collected).toBe(10);
      const after = createTestEngine(api);
      expect((await after.runDue()).fates.stored).toBe(20);
    } finally {
      await api.close();
    }
  });
});

describe.each(DIALECTS)('a pass with more due than one page holds (%s)', (dialect) => {
  /** 25 test-mode videos, all due in an hour; a collector whose answers the test holds until it lets them go. */
  async function world() {
    const clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
    const api = await createTestApi(dialect, { clock });
    const account = await api.createAccount();
    await api.call('PATCH', `/admin/v1/accounts/${account.id}`, {
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
      body: { max_active_videos: 100 },
    });
    for (let i = 0; i < 25; i++) {
      await api.call('POST', '/api/v1/videos/track', {
        key: account.testKey,
        body: {
          video_link: `https://www.tiktok.com/@u/video/73012345678901234${String(i).padStart(2, '0')}`,
          duration_days: 1,
        },
      });
    }
    clock.advance(HOUR);
    let inHand = 0;
    let mostInHand = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const collectorFor: EngineOptions['collectorFor'] = (mode, platform) => ({
      platform,
      batchSize: 1,
      collect: async (refs) => {
        inHand += refs.length;
        mostInHand = Math.max(mostInHand, inHand);
        await released;
        inHand -= refs.length;
        return api.parts.collectorFor(mode, platform)!.collect(refs);
      },
    });
    return { api, account, collectorFor, release, mostInHand: () => mostInHand, inHand: () => inHand };
  }

  // The sole scheduler's pages (a fleet worker leases as its pools start instead: test/scheduler/fleet.test.ts).
  it.each([true])(
    'takes the next page while the one before is collected, two at most, each video once (sole scheduler: %s)',
    async (soleScheduler) => {
      const { api, account, collectorFor, release, mostInHand, inHand } = await world();
      try {
        const engine = createTestEngine(api, {
          collectorFor,
          soleScheduler,
          leaseBatch: 10,
          concurrency: 100,
          perPlatformConcurrency: 100,
        });
        const pass = engine.runDue();
        // The first page is held; the second is taken and held too; the third waits for the first to finish.
        for (let turn = 0; turn < 100 && inHand() < 20; turn++) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, 20));
        expect(mostInHand()).toBe(20);
        release();
        const summary = await pass;
        expect(summary.fates.stored).toBe(25);
        expect(summary.leased).toBe(25);
        await expectInvariants(api.store, account.id);
      } finally {
        await api.close();
      }
    },
  );
});

describe('the pass cadence', () => {
  it('follows a pass that took longer than the poll interval at once', async () => {
    const clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
    const api = await createTestApi('sqlite', { clock });
    try {
      const account = await api.createAccount();
      await api.call('POST', '/api/v1/videos/track', {
        key: account.testKey,
        body: { video_link: `https://www.tiktok.com/@u/video/${VIDEO}`, duration_days: 1 },
      });
      clock.advance(HOUR);
      const passEnds: number[] = [];
      let secondPass!: () => void;
      const twoPasses = new Promise<void>((resolve) => {
        secondPass = resolve;
      });
      const engine = createTestEngine(api, {
        soleScheduler: true,
        collectorFor: (mode, platform) => ({
          platform,
          batchSize: 10,
          // The platform answers after 700 ms: the pass outlasts the 600 ms poll interval.
          collect: async (refs) => {
            await new Promise((r) => setTimeout(r, 700));
            return api.parts.collectorFor(mode, platform)!.collect(refs);
          },
        }),
        onPass: () => {
          passEnds.push(performance.now());
          if (passEnds.length === 2) secondPass();
        },
      });
      await engine.start(600);
      await twoPasses;
      await engine.stop();
      // The second pass (nothing due: it ends at once) began as soon as the first ended, not 600 ms later.
      expect(passEnds[1]! - passEnds[0]!).toBeLessThan(300);
    } finally {
      await api.close();
    }
  });
});
