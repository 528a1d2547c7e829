// Random stories of one account — credits and refunds, tracks, collections that succeed or fail in every way,
// pauses, resumes, stops, scheduler restarts and crashes mid-collection — through the real HTTP API and the
// real engine. After every step the money invariants hold, read both from the database and through the API,
// and every answer is the one the contract gives for the state the step started from.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import type { CollectFailure, Collector, CollectResult, VideoRef } from '../../src/platforms/types.ts';
import type { Engine, EngineOptions } from '../../src/scheduler/engine.ts';
import { type Dialect, openStore, type Store } from '../../src/store/database.ts';
import { ledgerTotals } from '../../src/store/ledger.ts';
import type { Account, VideoRow } from '../../src/store/schema.ts';
import { slotAt } from '../../src/tracking/slots.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine, scriptedCollector } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const COST_MICRO_USD = 15_000;
const MAX_ACTIVE_VIDEOS = 4;
/** A small pool, so the same video is tracked twice and actions often hit the same tracking. */
const VIDEO_IDS = [0, 1, 2, 3, 4, 5].map((i) => `730123456789012340${i}`);
const TRACK_500 = { error: 'Failed to start monitoring - invalid response from tracking API' };
const NUM_RUNS: Record<Dialect, number> = { sqlite: 100, postgres: 30 };

const FAILURES = {
  transient: { kind: 'transient', message: 'timeout' },
  blocked: { kind: 'blocked', message: 'captcha' },
  rate_limited: { kind: 'rate_limited', message: 'HTTP 429', retryAfterMs: 120_000 },
  private: { kind: 'private', message: 'private' },
  deleted: { kind: 'not_found', deleted: true, message: 'gone' },
} as const satisfies Record<string, CollectFailure>;
type FailureName = keyof typeof FAILURES;
const failureName = fc.constantFrom(...(Object.keys(FAILURES) as FailureName[]));

/** The user pauses, resumes or stops one of the story's trackings, or the operator cancels it. */
type StatusChange = { kind: 'pause' | 'resume' | 'stop' | 'cancel'; target: number };

type Action =
  | { kind: 'credit'; cents: number }
  | { kind: 'track'; video: number; days: number; world: 'live' | 'test'; probeFailure: FailureName | null }
  | {
      kind: 'collect';
      advanceMs: number;
      /** Which videos of the pool the platform fails for, and how. */
      failing: readonly number[];
      failure: FailureName;
      passes: number;
      /** A status change made while the due slots are being collected (taken, not yet recorded). */
      meanwhile: StatusChange | null;
    }
  | StatusChange
  | { kind: 'restart'; reopenStore: boolean; soleScheduler: boolean }
  | { kind: 'crash'; advanceMs: number }
  /** The operator disables the account (its trackings are cancelled), then enables it again. */
  | { kind: 'disable' };

const statusChange: fc.Arbitrary<StatusChange> = fc.record({
  kind: fc.constantFrom('pause' as const, 'resume' as const, 'stop' as const, 'cancel' as const),
  target: fc.nat(),
});

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('credit' as const),
      cents: fc.integer({ min: -300, max: 300 }).filter((c) => c !== 0),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('track' as const),
      video: fc.integer({ min: 0, max: VIDEO_IDS.length - 1 }),
      days: fc.integer({ min: 1, max: 3 }),
      // Mostly live (money moves); sometimes the test world, which must never move any.
      world: fc.constantFrom('live' as const, 'live' as const, 'live' as const, 'test' as const),
      // Mostly a readable platform; sometimes the first snapshot fails (404 or the documented 500).
      probeFailure: fc.oneof(
        { weight: 4, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: failureName },
      ),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('collect' as const),
      advanceMs: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1_000, max: 15 * 60_000 }) },
        { weight: 3, arbitrary: fc.constant(HOUR) },
        { weight: 2, arbitrary: fc.integer({ min: HOUR, max: 8 * HOUR }) },
        { weight: 1, arbitrary: fc.integer({ min: 20 * HOUR, max: 80 * HOUR }) },
      ),
      failing: fc.oneof(
        { weight: 2, arbitrary: fc.constant<readonly number[]>([]) },
        {
          weight: 1,
          arbitrary: fc.subarray(
            VIDEO_IDS.map((_, i) => i),
            { minLength: 1, maxLength: 3 },
          ),
        },
      ),
      failure: failureName,
      passes: fc.integer({ min: 1, max: 2 }),
      meanwhile: fc.oneof(
        { weight: 4, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: statusChange },
      ),
    }),
  },
  { weight: 4, arbitrary: statusChange },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('restart' as const),
      reopenStore: fc.boolean(),
      soleScheduler: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'disable' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('crash' as const),
      advanceMs: fc.integer({ min: HOUR, max: 3 * HOUR }),
    }),
  },
);

interface Tracked {
  id: string;
  key: string;
}

/** One story's world: the API, the scheduler (replaced on restart) and what the story has done so far. */
interface World {
  api: TestApi;
  clock: TestClock;
  script: ReturnType<typeof scriptedCollector>;
  account: { id: string; liveKey: string; testKey: string };
  engine: Engine;
  /** The engine's own connection when a restart re-opened the store (closed at the next restart). */
  engineStore: Store | null;
  tracked: Tracked[];
  hooks: CollectionHooks;
  /** Σ credits − Σ refunds the API accepted: the balance must always be this minus what was charged. */
  creditedMicroUsd: number;
}

const readAccount = (world: World): Promise<Account> =>
  world.api.store.db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', world.account.id)
    .executeTakeFirstOrThrow();
const readVideo = (world: World, id: string): Promise<VideoRow> =>
  world.api.store.db.selectFrom('videos').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const readVideos = (world: World): Promise<VideoRow[]> =>
  world.api.store.db.selectFrom('videos').selectAll().where('account_id', '=', world.account.id).execute();
const available = (account: Account) => account.balance_micro_usd - account.reserved_micro_usd;

/** Every answer of the story; none may be a 500 but the documented one of track. */
function expectAnswer(response: { statusCode: number; json(): unknown }, expected: number, what: string) {
  if (response.statusCode === 500)
    expect(response.json(), `${what}: the only 500 is track's`).toEqual({
      ...TRACK_500,
      reason: expect.any(String),
    });
  expect(response.statusCode, what).toBe(expected);
}

async function credit(world: World, cents: number) {
  const account = await readAccount(world);
  const amountMicroUsd = cents * 10_000;
  // A refund may never take money that is reserved for tracked videos.
  const allowed = amountMicroUsd > 0 || -amountMicroUsd <= available(account);
  const response = await world.api.call('POST', `/admin/v1/accounts/${world.account.id}/credits`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    body: { amount_usd: cents / 100, note: 'property test' },
  });
  expectAnswer(response, allowed ? 201 : 400, `credit ${cents / 100}`);
  if (allowed) world.creditedMicroUsd += amountMicroUsd;
}

async function track(world: World, a: Extract<Action, { kind: 'track' }>) {
  const account = await readAccount(world);
  const videos = await readVideos(world);
  const key = a.world === 'live' ? world.account.liveKey : world.account.testKey;
  const estimated = a.world === 'live' ? a.days * 24 * COST_MICRO_USD : 0;
  const active = videos.filter(
    (v) => v.mode === a.world && (v.status === 'monitoring' || v.status === 'paused'),
  ).length;
  // Test keys never touch the platform: their world is the simulator's, which the script does not reach.
  const probeFailure = a.world === 'live' ? a.probeFailure : null;
  const expected =
    available(account) < estimated
      ? 402
      : active >= MAX_ACTIVE_VIDEOS
        ? 403
        : probeFailure === 'private' || probeFailure === 'deleted'
          ? 404
          : probeFailure
            ? 500
            : 201;
  const platformId = VIDEO_IDS[a.video]!;
  if (a.probeFailure) world.script.failures.set(platformId, FAILURES[a.probeFailure]);
  const response = await world.api.call('POST', '/api/v1/videos/track', {
    key,
    body: { video_link: `https://www.tiktok.com/@u/video/${platformId}`, duration_days: a.days },
  });
  world.script.failures.delete(platformId);
  expectAnswer(response, expected, `track ${a.world} ${a.days}d`);
  if (response.statusCode === 201) world.tracked.push({ id: (response.json() as { id: string }).id, key });
}

interface CollectionHooks {
  /** Run once by the next collection, while it is in flight. */
  meanwhile: (() => Promise<void>) | null;
}

/** The service's collectors, running the story's `meanwhile` step once while a collection is in flight. */
function collectorsOf(api: TestApi, hooks: CollectionHooks): EngineOptions['collectorFor'] {
  return (mode, platform) => {
    const collector = api.parts.collectorFor(mode, platform);
    if (!collector) return undefined;
    return {
      ...collector,
      async collect(refs, signal) {
        const meanwhile = hooks.meanwhile;
        hooks.meanwhile = null;
        if (meanwhile) await meanwhile();
        return collector.collect(refs, signal);
      },
    };
  };
}

async function collect(world: World, a: Extract<Action, { kind: 'collect' }>) {
  const failing = new Set(a.failing.map((i) => VIDEO_IDS[i]!));
  for (const platformId of failing) world.script.failures.set(platformId, FAILURES[a.failure]);
  const failingBefore = (await readVideos(world)).filter(
    (v) => v.mode === 'live' && failing.has(v.platform_video_id),
  );
  // An assertion failing inside a collector would only look like a failed collection: keep it for later.
  const meanwhileErrors: unknown[] = [];
  const { meanwhile } = a;
  // Not on SQLite while the engine has a connection of its own: better-sqlite3 waits for the write lock
  // synchronously, so two connections in one process block each other (the real process has just one).
  const concurrent = world.api.store.dialect === 'postgres' || world.engineStore === null;
  if (meanwhile && concurrent) {
    world.hooks.meanwhile = () =>
      changeStatus(world, meanwhile, true).catch((error: unknown) => {
        meanwhileErrors.push(error);
      });
  }
  world.clock.advance(a.advanceMs);
  for (let pass = 0; pass < a.passes; pass++) await world.engine.runDue();
  world.script.failures.clear();
  // Nothing was collected (nothing due), or it could not run concurrently: the change happens afterwards.
  if (world.hooks.meanwhile) await world.hooks.meanwhile();
  else if (meanwhile && !concurrent) await changeStatus(world, meanwhile);
  world.hooks.meanwhile = null;
  if (meanwhileErrors.length > 0) throw meanwhileErrors[0];
  // A failed collection is never charged and never stored as numbers.
  for (const before of failingBefore) {
    const after = await readVideo(world, before.id);
    expect(after.snapshots_collected, `failing video ${before.id} gained a snapshot`).toBe(
      before.snapshots_collected,
    );
  }
}

/** The answer the contract gives to a status change of `video`, as it is now. */
function expectedAnswer(world: World, a: StatusChange, video: VideoRow, account: Account): number {
  const active = video.status === 'monitoring' || video.status === 'paused';
  if (a.kind === 'pause') return video.status === 'monitoring' ? 200 : 409;
  if (a.kind === 'stop' || a.kind === 'cancel') return active ? 200 : 409;
  if (video.status !== 'paused') return 409;
  // Resume continues within the original window, reserving what is left of it from the available balance.
  const currentSlot = Math.max(video.next_slot, slotAt(video, world.clock.now()));
  const reserve = video.mode === 'live' ? (video.total_slots - currentSlot) * COST_MICRO_USD : 0;
  return currentSlot >= video.total_slots ? 409 : available(account) < reserve ? 402 : 200;
}

/**
 * Pause, resume, stop or cancel one of the story's trackings. `racing`: the engine is recording other slots at
 * the same moment and may end this tracking (last slot, window over) just before the change lands; the answer
 * must then fit the state the engine left.
 */
async function changeStatus(world: World, a: StatusChange, racing = false) {
  if (world.tracked.length === 0) return;
  const target = world.tracked[a.target % world.tracked.length]!;
  const video = await readVideo(world, target.id);
  const expected = expectedAnswer(world, a, video, await readAccount(world));
  const response =
    a.kind === 'cancel'
      ? await world.api.call('POST', `/admin/v1/videos/${target.id}/cancel`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      : await world.api.call('POST', `/api/v1/videos/${target.id}/${a.kind}`, { key: target.key });
  if (racing && response.statusCode !== expected && response.statusCode === 409) {
    const after = await readVideo(world, target.id);
    expect(after.status, `${a.kind} refused while the engine ended it`).not.toBe(video.status);
    expectAnswer(response, expectedAnswer(world, a, after, await readAccount(world)), `${a.kind} (racing)`);
    return;
  }
  expectAnswer(response, expected, `${a.kind} a ${video.status} video`);
}

/** A new scheduler: a new engine, on a freshly opened connection when asked (as a new process would be). */
async function restart(world: World, a: Extract<Action, { kind: 'restart' }>) {
  await world.engineStore?.close();
  world.engineStore = null;
  if (a.reopenStore) {
    const { url, pgSchema } = world.api.store;
    world.engineStore = openStore(url, pgSchema ? { pgSchema } : {});
  }
  const options = {
    store: world.engineStore ?? world.api.store,
    soleScheduler: a.soleScheduler,
    collectorFor: collectorsOf(world.api, world.hooks),
  };
  if (a.soleScheduler) {
    // Starting, the sole scheduler takes back what a dead process had leased and runs one pass at once.
    const booting = createTestEngine(world.api, options);
    await booting.start(HOUR);
    await booting.stop();
  }
  // A stopped engine takes nothing more, so the process's later passes run on a fresh instance.
  world.engine = createTestEngine(world.api, options);
}

/**
 * A scheduler process dies in the middle of collecting: it has taken the due slots (leased them), the
 * platform has not answered yet, and nothing it was doing is ever recorded.
 */
async function crash(world: World, advanceMs: number) {
  world.clock.advance(advanceMs);
  const now = world.clock.now();
  const collectable = (await readVideos(world)).filter(
    (v) =>
      v.mode === 'live' &&
      v.status === 'monitoring' &&
      v.next_due_at !== null &&
      v.next_due_at <= now &&
      Math.max(v.next_slot, slotAt(v, now)) < v.total_slots,
  );
  if (collectable.length === 0) return;
  let entered!: () => void;
  const collecting = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const hanging: Collector = {
    platform: 'tiktok',
    batchSize: 10,
    collect: (refs: readonly VideoRef[], signal?: AbortSignal) =>
      new Promise<CollectResult[]>((resolve) => {
        entered();
        const abandoned = () =>
          resolve(refs.map(() => ({ ok: false, error: { kind: 'transient', message: 'killed' } })));
        if (signal?.aborted) abandoned();
        else signal?.addEventListener('abort', abandoned, { once: true });
      }),
  };
  const dying = createTestEngine(world.api, {
    collectorFor: (mode, platform) =>
      mode === 'live' ? hanging : world.api.parts.collectorFor(mode, platform),
  });
  await dying.start(HOUR);
  await collecting;
  await dying.stop(0);
}

async function disableAndEnable(world: World) {
  const settings = (disabled: boolean) =>
    world.api.call('PATCH', `/admin/v1/accounts/${world.account.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { disabled },
    });
  expectAnswer(await settings(true), 200, 'disable the account');
  const stillActive = (await readVideos(world)).filter(
    (v) => v.status === 'monitoring' || v.status === 'paused',
  );
  expect(stillActive.map((v) => v.id)).toEqual([]);
  expectAnswer(await settings(false), 200, 'enable the account');
}

async function apply(world: World, a: Action): Promise<void> {
  switch (a.kind) {
    case 'credit':
      return credit(world, a.cents);
    case 'track':
      return track(world, a);
    case 'collect':
      return collect(world, a);
    case 'pause':
    case 'resume':
    case 'stop':
    case 'cancel':
      return changeStatus(world, a);
    case 'restart':
      return restart(world, a);
    case 'crash':
      return crash(world, a.advanceMs);
    case 'disable':
      return disableAndEnable(world);
  }
}

/** The money invariants, from the database and through the API, after every step. */
async function expectMoneyInvariants(world: World): Promise<void> {
  const { api, account } = world;
  await expectInvariants(api.store, account.id);
  const totals = await ledgerTotals(api.store, account.id);
  // (+ 0 turns a -0 — a sum of no charges, negated — into 0 for Object.is comparisons.)
  const ledger = { balance: totals.balanceMicroUsd + 0, charged: totals.chargedMicroUsd + 0 };
  const videos = await readVideos(world);
  const live = videos.filter((v) => v.mode === 'live');
  const collectedLive = live.reduce((sum, v) => sum + v.snapshots_collected, 0);
  const reservedLive = live.reduce((sum, v) => sum + Number(v.reserved_micro_usd), 0);

  const usageResponse = await api.call('GET', '/api/v1/usage', { key: account.liveKey });
  expectAnswer(usageResponse, 200, 'usage');
  const usage = usageResponse.json() as Record<string, number>;
  const micro = (usd: number | undefined) => Math.round((usd ?? Number.NaN) * 1_000_000);
  expect(micro(usage['balance_usd'])).toBe(ledger.balance);
  expect(micro(usage['uncharged_usage_usd'])).toBe(reservedLive);
  expect(usage['balance_usd']).toBeGreaterThanOrEqual(0);
  expect(usage['available_usd']).toBeGreaterThanOrEqual(0);
  expect(micro(usage['total_charged_usd'])).toBe(ledger.charged);
  expect(usage['total_snapshots']).toBe(collectedLive);
  // Charged = collected live snapshots × cost, and nothing else ever left the balance.
  expect(ledger.charged).toBe(collectedLive * COST_MICRO_USD);
  expect(ledger.balance).toBe(world.creditedMicroUsd - ledger.charged);

  // A running tracking holds enough for every slot it has left; any other holds nothing and is never due.
  for (const v of videos) {
    if (v.status === 'monitoring') {
      const remaining = v.mode === 'live' ? (v.total_slots - v.next_slot) * COST_MICRO_USD : 0;
      expect(Number(v.reserved_micro_usd), `reservation of ${v.id}`).toBeGreaterThanOrEqual(remaining);
    } else {
      expect(Number(v.reserved_micro_usd), `reservation of ${v.status} ${v.id}`).toBe(0);
      expect(v.next_due_at, `next_due_at of ${v.status} ${v.id}`).toBeNull();
    }
  }

  // The test world never holds or charges money.
  const testUsage = (await api.call('GET', '/api/v1/usage', { key: account.testKey })).json() as Record<
    string,
    number
  >;
  expect(testUsage['uncharged_usage_usd']).toBe(0);
  expect(testUsage['total_charged_usd']).toBe(0);
}

async function runStory(dialect: Dialect, initialCents: number, actions: Action[]): Promise<void> {
  const clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
  const script = scriptedCollector('tiktok', clock);
  const api = await createTestApi(dialect, { clock, liveCollectors: { tiktok: script.collector } });
  const hooks: CollectionHooks = { meanwhile: null };
  const world: World = {
    api,
    clock,
    script,
    account: await api.createAccount({ creditUsd: initialCents / 100, plan: 'enterprise' }),
    engine: createTestEngine(api, { collectorFor: collectorsOf(api, hooks) }),
    engineStore: null,
    tracked: [],
    hooks,
    creditedMicroUsd: initialCents * 10_000,
  };
  try {
    const patched = await api.call('PATCH', `/admin/v1/accounts/${world.account.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { max_active_videos: MAX_ACTIVE_VIDEOS },
    });
    expectAnswer(patched, 200, 'limit');
    await expectMoneyInvariants(world);
    for (const a of actions) {
      await apply(world, a);
      await expectMoneyInvariants(world);
    }
  } finally {
    await world.engineStore?.close();
    await api.close();
  }
}

describe.each(DIALECTS)('money invariants under random stories (%s)', (dialect) => {
  it('hold after every credit, track, collection, pause, resume, stop, cancel, restart, crash and disabling', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 500 }),
        fc.array(action, { minLength: 8, maxLength: 30 }),
        (initialCents, actions) => runStory(dialect, initialCents, actions),
      ),
      { numRuns: NUM_RUNS[dialect] },
    );
  }, 120_000);
});
