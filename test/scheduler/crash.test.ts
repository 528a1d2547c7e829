// The real process (`contentstats serve`) is killed with SIGKILL at random moments in the middle
// of a burst of live collections, again and again, on both dialects. After every kill the database alone must
// show: at most one snapshot per slot and every slot before a video's next one settled exactly once, a charge
// for every collected live snapshot and for nothing else, balance = Σ ledger, reserved = Σ videos' reservations
// — and over all the restarts, progress. A last run is stopped with SIGTERM and must exit cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_VIDEO_ID, loadFixture } from '../../src/platforms/tiktok/fixture-pages.ts';
import type { Dialect } from '../../src/store/database.ts';
import { releaseAbandonedLeases } from '../../src/store/videos.ts';
import { type FakePlatform, fakeReply, startFakePlatform } from '../fake-platform/server.ts';
import { expectInvariants } from '../support/invariants.ts';
import { CONTENTSTATS_BIN, childEnv, freePort } from '../support/processes.ts';
import { seedDueLiveVideos } from '../support/seed-due-videos.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

const TIKTOK = 'https://www.tiktok.com';
/** Short, so that new slots keep falling due while the burst goes on (and catch-up after each restart). */
const INTERVAL_SECONDS = 2;
const VIDEOS = 2_000;
const COST_MICRO_USD = 15_000;
const KILLS: Record<Dialect, number> = { sqlite: 12, postgres: 10 };
/** The kill moments are random but reproducible: change the seed to explore other moments. */
const KILL_SEED = 0x5eedc0de;

/** The i-th seeded video's TikTok id, and back. */
const platformVideoId = (i: number) => `73${String(i).padStart(17, '0')}`;
const videoIndex = (platformId: string) => Number(platformId.slice(2));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface ServeProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote (LOG_LEVEL=error: only errors, which a healthy run never writes). */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ServeProcess>();

async function startServe(store: TestStore, fake: FakePlatform): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [CONTENTSTATS_BIN, 'serve'], {
    env: childEnv(store, {
      HOST: '127.0.0.1',
      PORT: String(port),
      SNAPSHOT_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      COST_PER_SNAPSHOT_USD: String(COST_MICRO_USD / 1_000_000),
      LOG_LEVEL: 'error',
      CONTENTSTATS_UPSTREAMS: JSON.stringify(fake.upstreams([TIKTOK])),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const serve: ServeProcess = { child, port, output, exited };
  running.add(serve);
  void exited.then(() => running.delete(serve));
  return serve;
}

const hasExited = (serve: ServeProcess) => serve.child.exitCode !== null || serve.child.signalCode !== null;

/** Resolves when the platform receives the first request after `before` requests: the burst has begun. */
async function burstStarted(serve: ServeProcess, fake: FakePlatform, before: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (fake.requests.length <= before) {
    if (hasExited(serve))
      throw new Error(`serve exited before collecting anything:\n${serve.output.join('')}`);
    if (Date.now() > deadline) throw new Error(`no collection within 30 s:\n${serve.output.join('')}`);
    await sleep(5);
  }
}

async function killed(serve: ServeProcess, signal: NodeJS.Signals, timeoutMs: number) {
  serve.child.kill(signal);
  const timeout = sleep(timeoutMs).then(() => 'timeout' as const);
  const exit = await Promise.race([serve.exited, timeout]);
  if (exit === 'timeout') throw new Error(`serve did not exit within ${timeoutMs} ms of ${signal}`);
  return exit;
}

async function ready(serve: ServeProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (hasExited(serve)) throw new Error(`serve exited before it was ready:\n${serve.output.join('')}`);
    const ok = await fetch(`http://127.0.0.1:${serve.port}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await sleep(20);
  }
  throw new Error('serve was not ready within 30 s');
}

interface Tally {
  collected: number;
  missed: number;
  ended: number;
}

/** What the database alone says after a crash; fails on any slot or money inconsistency. */
async function expectConsistentAfterCrash(store: TestStore, accountId: string): Promise<Tally> {
  const duplicates = await store.db
    .selectFrom('snapshots')
    .select(['video_key', 'slot', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['video_key', 'slot'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  expect(duplicates).toEqual([]);

  // Balance = Σ ledger ≥ 0, reserved = Σ ledger = Σ videos' reservations, a charge iff a collected live snapshot.
  await expectInvariants(store, accountId);

  // Each video's slots before `next_slot` are settled exactly once (stored or missed) and none after it; what
  // is still reserved is exactly its uncollected slots while it runs, nothing once it has ended.
  const videos = await store.db
    .selectFrom('videos as v')
    .leftJoin('snapshots as s', 's.video_key', 'v.video_key')
    .select([
      'v.id',
      'v.status',
      'v.next_slot',
      'v.total_slots',
      'v.snapshots_collected',
      'v.snapshots_missed',
      'v.reserved_micro_usd',
      'v.cost_per_snapshot_micro_usd',
      (eb) => eb.fn.count<number>('s.slot').as('rows'),
      (eb) => eb.fn.coalesce(eb.fn.max<number>('s.slot'), sql<number>`-1`).as('max_slot'),
    ])
    .where('v.account_id', '=', accountId)
    .groupBy('v.id')
    .execute();
  const broken: string[] = [];
  const tally: Tally = { collected: 0, missed: 0, ended: 0 };
  for (const v of videos) {
    const expectedReserved =
      v.status === 'monitoring'
        ? (v.total_slots - v.snapshots_collected) * Number(v.cost_per_snapshot_micro_usd)
        : 0;
    if (Number(v.rows) !== v.next_slot || Number(v.max_slot) !== v.next_slot - 1)
      broken.push(`${v.id}: ${v.rows} rows up to slot ${v.max_slot}, next slot ${v.next_slot}`);
    if (v.snapshots_collected + v.snapshots_missed !== v.next_slot)
      broken.push(
        `${v.id}: ${v.snapshots_collected} + ${v.snapshots_missed} settled, next slot ${v.next_slot}`,
      );
    if (Number(v.reserved_micro_usd) !== expectedReserved)
      broken.push(`${v.id} (${v.status}): reserved ${v.reserved_micro_usd}, expected ${expectedReserved}`);
    tally.collected += v.snapshots_collected;
    tally.missed += v.snapshots_missed;
    if (v.status !== 'monitoring') tally.ended++;
  }
  // An ending and its notification commit together: one email queued per ended tracking, none otherwise.
  const queued = new Map<string, number>();
  for (const row of await store.db.selectFrom('outbox').select('payload').execute()) {
    const videoId = (JSON.parse(row.payload) as { video_id: string }).video_id;
    queued.set(videoId, (queued.get(videoId) ?? 0) + 1);
  }
  for (const v of videos) {
    const emails = queued.get(v.id) ?? 0;
    if (emails !== (v.status === 'monitoring' ? 0 : 1))
      broken.push(`${v.id} (${v.status}): ${emails} emails`);
  }
  expect(broken).toEqual([]);
  expect(videos).toHaveLength(VIDEOS);
  return tally;
}

const errorLines = (serve: ServeProcess) =>
  serve.output
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '');

describe.each(DIALECTS)('SIGKILL in the middle of a burst of collections (%s)', (dialect) => {
  let fake: FakePlatform;
  let store: TestStore;

  beforeAll(async () => {
    const page = loadFixture('video-page').split(FIXTURE_VIDEO_ID);
    const privatePage = loadFixture('private-video').split(FIXTURE_VIDEO_ID);
    // The fixture page, re-addressed to each video; every 10th video's page answers 503 (retried, then
    // missed) and every 97th says the video is private (its tracking ends in error).
    fake = await startFakePlatform((request) => {
      const id = request.url.pathname.split('/').at(-1) ?? '';
      const i = videoIndex(id);
      if (i % 97 === 5) return fakeReply.html(privatePage.join(id));
      if (i % 10 === 3) return fakeReply.serverError(503);
      return fakeReply.html(page.join(id));
    });
    store = await createTestStore(dialect);
  });

  afterEach(async () => {
    for (const serve of running) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
  });

  afterAll(async () => {
    await fake?.close();
    await store?.destroy();
  });

  it('loses no recorded data and double-charges nothing, however often it is killed', async () => {
    const { accountId } = await seedDueLiveVideos(store, {
      videos: VIDEOS,
      dueAt: Date.now(),
      intervalSeconds: INTERVAL_SECONDS,
      durationDays: 7,
      costMicroUsd: COST_MICRO_USD,
      platformVideoId,
    });
    const seeded = await expectConsistentAfterCrash(store, accountId);
    expect(seeded).toEqual({ collected: VIDEOS, missed: 0, ended: 0 });

    const random = seededRandom(KILL_SEED);
    let afterKills = seeded;
    let killedMidBurst = 0;
    for (let run = 0; run < KILLS[dialect]; run++) {
      const before = fake.requests.length;
      const serve = await startServe(store, fake);
      await burstStarted(serve, fake, before);
      const atBurst = fake.requests.length;
      await sleep(50 + Math.floor(random() * 751));
      if (fake.requests.length > atBurst) killedMidBurst++;
      const exit = await killed(serve, 'SIGKILL', 10_000);
      // Killed by us, not exited on its own.
      expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
      expect(errorLines(serve)).toEqual([]);
      // A fleet worker's leases outlive it (5 min): let them expire now, as time would, so the next run goes on.
      if (dialect === 'postgres') await releaseAbandonedLeases(store, Date.now() + 60_000);
      afterKills = await expectConsistentAfterCrash(store, accountId);
    }

    // The kills landed while collections were going on, and the restarts kept making progress.
    expect(killedMidBurst).toBeGreaterThanOrEqual(KILLS[dialect] / 2);
    expect(afterKills.collected).toBeGreaterThan(seeded.collected);

    // One more run, stopped with SIGTERM mid-burst: it finishes or abandons what is in flight and exits 0.
    const before = fake.requests.length;
    const last = await startServe(store, fake);
    await ready(last);
    await burstStarted(last, fake, before);
    await sleep(500);
    expect(await killed(last, 'SIGTERM', 25_000)).toEqual({ code: 0, signal: null });
    expect(errorLines(last)).toEqual([]);
    const final = await expectConsistentAfterCrash(store, accountId);
    expect(final.collected).toBeGreaterThan(afterKills.collected);
  }, 120_000);
});
