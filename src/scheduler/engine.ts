// The snapshot engine: finds due slots in the database (no timer per video), leases them, collects them in
// batches through bounded pools (overall and per platform, behind per-platform circuit breakers) and records
// the results. Holding a million tracked videos costs nothing in memory: only leased batches are held.

import type { Clock } from '../clock.ts';
import type { Log } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import {
  type Collector,
  type CollectResult,
  PLATFORMS,
  type PlatformName,
  type VideoRef,
} from '../platforms/types.ts';
import { err } from '../result.ts';
import type { Mode } from '../store/schema.ts';
import { type NotInTransaction, writeTransaction } from '../store/transaction.ts';
import {
  type DueVideo,
  findDueVideos,
  leaseDueVideos,
  lockVideo,
  releaseAbandonedLeases,
  rescheduleVideo,
} from '../store/videos.ts';
import { recordMissedSlots } from '../tracking/record-missed-slots.ts';
import { slotAt } from '../tracking/slots.ts';
import { type BreakerOptions, CircuitBreaker, DEFAULT_BREAKER } from './circuit-breaker.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, PLATFORM_TROUBLE } from './failure-policy.ts';
import { createSlotRecorder, type SlotFate, type SlotResult } from './record-results.ts';
import { Semaphore } from './semaphore.ts';

export type EngineLog = Log;

export interface EngineOptions {
  store: NotInTransaction;
  clock: Clock;
  collectorFor(mode: Mode, platform: PlatformName): Collector | undefined;
  log: EngineLog;
  metrics?: Metrics;
  /** Collection batches in flight at once, over all platforms. */
  concurrency?: number;
  /** Collection batches in flight at once per platform (and mode). */
  perPlatformConcurrency?: number;
  /** How long a leased slot is reserved for this process before another may take it. */
  leaseMs?: number;
  /** The most due videos one query takes (a lease in a fleet, a page for the sole scheduler). */
  leaseBatch?: number;
  /** A collection taking longer than this is abandoned as transient. */
  collectTimeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  breaker?: BreakerOptions;
  /** Embedded mode: this process is the only scheduler, so leases found at start are from a dead process. */
  soleScheduler?: boolean;
  /** Told of each pass `start` runs (the per-minute log line adds them up). */
  onPass?: (summary: RunSummary) => void;
}

/** What a pass did on one platform: slots stored, recorded as missed, held back by its open breaker. */
export interface PlatformPass {
  collected: number;
  missed: number;
  heldBack: number;
}

export interface RunSummary {
  leased: number;
  fates: Record<SlotFate | 'held_back', number>;
  latenessMs: number[];
  byPlatform: Partial<Record<PlatformName, PlatformPass>>;
}

/** How many rounds of batches a fleet worker's pool may have leased and waiting (see leaseAheadFor). */
const LEASE_AHEAD_ROUNDS = 4;

/** The circuit-breaker gauge's value per state (metrics.ts). */
const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export interface Engine {
  /** Collects and records everything due now; resolves when it is all recorded. */
  runDue(): Promise<RunSummary>;
  /** Runs `runDue` on a loop until `stop`. */
  start(pollIntervalMs?: number): Promise<void>;
  /** Stops leasing new slots and waits for in-flight collections (abandoning them after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  breakerState(platform: PlatformName): string;
}

const emptyFates = (): RunSummary['fates'] => ({
  stored: 0,
  retry: 0,
  missed: 0,
  ended: 0,
  skipped: 0,
  held_back: 0,
});

export function createEngine(options: EngineOptions): Engine {
  const { store, clock, log, metrics } = options;
  const concurrencyLimit = options.concurrency ?? 16;
  const concurrency = new Semaphore(concurrencyLimit);
  const perPlatformLimit = options.perPlatformConcurrency ?? 8;
  const platformPools = new Map<string, Semaphore>();
  const breakers = new Map<PlatformName, CircuitBreaker>();
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const leaseBatch = options.leaseBatch ?? 1000;
  const collectTimeoutMs = options.collectTimeoutMs ?? 60_000;
  const backoff: BackoffPolicy = { ...DEFAULT_BACKOFF, random: Math.random, ...options.backoff };
  const recorder = createSlotRecorder({ store, clock, backoff, report: { log, metrics } });
  let shutdown = new AbortController();
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  // A fleet worker leases only what its pools can start soon (see leaseRoom): per pool, the leased videos whose
  // batch has not started yet, and a waiter told each time a batch starts.
  const waitingToStart = new Map<string, number>();
  let batchStarted: (() => void) | undefined;

  /**
   * Leased videos a pool may have waiting behind the batches it runs: LEASE_AHEAD_ROUNDS rounds of full batches.
   * Enough that a freed slot always finds a batch, few enough that a burst of due videos is shared by the fleet
   * instead of leased whole by the first worker to look (up to leaseBatch: 1,000 TikTok pages, 25 s of one
   * worker's collecting, while the others idled).
   */
  const leaseAheadFor = (key: string) => {
    const [mode, platform] = key.split(':') as [Mode, PlatformName];
    const batchSize = Math.max(1, options.collectorFor(mode, platform)?.batchSize ?? 1);
    return LEASE_AHEAD_ROUNDS * Math.min(perPlatformLimit, concurrencyLimit) * batchSize;
  };
  /**
   * How many more videos to lease now, for the pools this pass has leased for: 0 while each of them still has
   * over half its lease-ahead waiting, else what fills them all up (at most leaseBatch).
   */
  const leaseRoom = (keys: ReadonlySet<string>): number => {
    let room = 0;
    let low = false;
    for (const key of keys) {
      const ahead = leaseAheadFor(key);
      const waiting = waitingToStart.get(key) ?? 0;
      room += Math.max(0, ahead - waiting);
      if (waiting <= ahead / 2) low = true;
    }
    return low ? Math.min(leaseBatch, room) : 0;
  };
  const poolFor = (key: string) => {
    const pool = platformPools.get(key) ?? new Semaphore(perPlatformLimit);
    platformPools.set(key, pool);
    return pool;
  };
  const platformPass = (summary: RunSummary, platform: PlatformName): PlatformPass => {
    let pass = summary.byPlatform[platform];
    if (!pass) {
      pass = { collected: 0, missed: 0, heldBack: 0 };
      summary.byPlatform[platform] = pass;
    }
    return pass;
  };
  const breakerFor = (platform: PlatformName) => {
    const breaker = breakers.get(platform) ?? new CircuitBreaker(options.breaker ?? DEFAULT_BREAKER);
    breakers.set(platform, breaker);
    return breaker;
  };

  async function collectBatch(collector: Collector | undefined, refs: VideoRef[]): Promise<CollectResult[]> {
    if (!collector) {
      return refs.map(() => err({ kind: 'blocked', message: 'no collector configured for this platform' }));
    }
    const timeout = AbortSignal.timeout(collectTimeoutMs);
    const signal = AbortSignal.any([timeout, shutdown.signal]);
    try {
      const results = await collector.collect(refs, signal);
      if (results.length !== refs.length) throw new Error('collector returned the wrong number of results');
      return results;
    } catch (error) {
      const message = error instanceof Error ? error.message : 'collector failed';
      return refs.map(() => err({ kind: 'transient', message }));
    }
  }

  async function processBatch(
    mode: Mode,
    platform: PlatformName,
    batch: Array<{ video: DueVideo; slot: number }>,
    summary: RunSummary,
    /** Called once the platform has answered: recording does not hold the platform's slot. */
    collected: () => void,
  ) {
    if (stopping) {
      // Shutting down: batches not started yet are left for the next start (or, leased, handed straight back
      // to the fleet) instead of holding the shutdown up.
      if (!options.soleScheduler)
        for (const { video } of batch) await rescheduleVideo(store, video.id, clock.now());
      summary.fates.skipped += batch.length;
      return;
    }
    const breaker = mode === 'live' ? breakerFor(platform) : undefined;
    if (breaker && !breaker.tryAcquire(clock.now())) {
      const at = breaker.retryAt(clock.now());
      for (const { video } of batch) await rescheduleVideo(store, video.id, at);
      summary.fates.held_back += batch.length;
      platformPass(summary, platform).heldBack += batch.length;
      metrics?.increment('contentstats_slots_held_back_total', { platform }, batch.length);
      return;
    }
    const collector = options.collectorFor(mode, platform);
    const refs = batch.map(({ video, slot }) => ({
      platform,
      videoId: video.platform_video_id,
      canonicalUrl: video.canonical_url,
      slot,
    }));
    const collectStarted = performance.now();
    const results = await collectBatch(collector, refs);
    collected();
    if (metrics) {
      const provider = results.find((r) => r.ok)?.value.provider ?? 'none';
      const seconds = (performance.now() - collectStarted) / 1000;
      metrics.observe('contentstats_collection_duration_seconds', seconds, { platform, provider });
    }
    // Shutting down: these results are abandoned unrecorded; their leases are released at the next start.
    if (shutdown.signal.aborted) return;
    let trouble = 0;
    let successes = 0;
    const items: SlotResult[] = batch.map(({ video, slot }, i) => {
      const result = results[i]!;
      if (result.ok) successes++;
      else {
        if (PLATFORM_TROUBLE.has(result.error.kind)) trouble++;
        metrics?.increment('contentstats_collect_failures_total', { platform, kind: result.error.kind });
      }
      return { videoId: video.id, slot, result };
    });
    if (breaker) {
      if (successes > 0) breaker.recordSuccess();
      else if (trouble > 0) breaker.recordTrouble(clock.now());
      else breaker.recordNeutral();
    }
    const recorded = await recorder.record(items);
    for (const fate of recorded.fates) summary.fates[fate]++;
    summary.latenessMs.push(...recorded.latenessMs);
    const stored = recorded.fates.filter((f) => f === 'stored').length;
    const missed = recorded.fates.filter((f) => f === 'missed').length;
    const pass = platformPass(summary, platform);
    pass.collected += stored;
    pass.missed += missed;
    if (metrics) {
      if (stored) metrics.increment('contentstats_snapshots_recorded_total', { platform, mode }, stored);
      if (missed) metrics.increment('contentstats_snapshots_missed_total', { platform }, missed);
      for (const latenessMs of recorded.latenessMs)
        metrics.observe('contentstats_slot_lateness_seconds', latenessMs / 1000, { platform });
    }
  }

  /**
   * A batch takes a place in its platform's pool, then one in the process's pool; it gives the platform's place
   * back as soon as the platform has answered, the process's once its results are recorded. So the platform pool
   * bounds requests in flight to one platform (a slow platform cannot take every place), the process pool
   * batches collecting or recording, and a page waiting for the database does not keep the platform's place idle.
   */
  async function runBatch(
    pool: Semaphore,
    key: string,
    mode: Mode,
    platform: PlatformName,
    batch: Array<{ video: DueVideo; slot: number }>,
    summary: RunSummary,
  ): Promise<void> {
    // Taken at once when free, so a batch that can start has started by the time the lease loop counts.
    const releasePlatform = pool.tryAcquire() ?? (await pool.acquire());
    const release = concurrency.tryAcquire() ?? (await concurrency.acquire());
    waitingToStart.set(key, (waitingToStart.get(key) ?? 0) - batch.length);
    batchStarted?.();
    try {
      await processBatch(mode, platform, batch, summary, releasePlatform);
    } finally {
      releasePlatform();
      release();
    }
  }

  /** Slots whose whole window has passed (the process was down past the end) are missed and the video completes. */
  async function closeOverdue(video: DueVideo, summary: RunSummary) {
    await writeTransaction(store, async (tx) => {
      const fresh = await lockVideo(tx, video.id);
      if (fresh && fresh.status === 'monitoring')
        await recordMissedSlots(tx, fresh, fresh.total_slots, clock.now());
    });
    summary.fates.missed++;
    platformPass(summary, video.platform as PlatformName).missed++;
  }

  async function processLeased(videos: DueVideo[], summary: RunSummary): Promise<void> {
    const now = clock.now();
    const groups = new Map<
      string,
      { mode: Mode; platform: PlatformName; items: Array<{ video: DueVideo; slot: number }> }
    >();
    const tasks: Promise<void>[] = [];
    for (const video of videos) {
      const slot = Math.max(video.next_slot, slotAt(video, now));
      if (slot >= video.total_slots) {
        tasks.push(closeOverdue(video, summary));
        continue;
      }
      const key = `${video.mode}:${video.platform}`;
      const group = groups.get(key) ?? {
        mode: video.mode,
        platform: video.platform as PlatformName,
        items: [],
      };
      groups.set(key, group);
      group.items.push({ video, slot });
    }
    for (const [key, group] of groups) {
      const batchSize = Math.max(1, options.collectorFor(group.mode, group.platform)?.batchSize ?? 1);
      const pool = poolFor(key);
      for (let i = 0; i < group.items.length; i += batchSize) {
        const batch = group.items.slice(i, i + batchSize);
        waitingToStart.set(key, (waitingToStart.get(key) ?? 0) + batch.length);
        tasks.push(runBatch(pool, key, group.mode, group.platform, batch, summary));
      }
    }
    const settled = await Promise.allSettled(tasks);
    for (const s of settled)
      if (s.status === 'rejected')
        log.error({ err: s.reason }, 'snapshot batch failed; its leases will expire and retry');
  }

  /** The sole scheduler's pass: pages through what was due when it began, a page at a time, without leases. */
  async function pageThroughDue(summary: RunSummary): Promise<void> {
    const passStart = clock.now();
    let cursor: { dueAt: number; id: string } | null = null;
    // A page is taken while the one before is still being collected, so the pools do not run dry at the end
    // of each page (the last answers of a page are the slowest); at most two pages are in hand.
    let previousPage: Promise<void> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    while (!stopping && !failure) {
      const page = await findDueVideos(store, { now: passStart, after: cursor, limit: leaseBatch });
      if (page.length === 0) break;
      const last: DueVideo = page.at(-1)!;
      cursor = { dueAt: last.next_due_at!, id: last.id };
      summary.leased += page.length;
      const collecting = processLeased(page, summary).catch((error: unknown) => {
        failure ??= { error };
      });
      await previousPage;
      previousPage = collecting;
      if (page.length < leaseBatch) break;
    }
    await previousPage;
    if (failure) throw failure.error;
  }

  /**
   * A fleet worker's pass: leases due videos as fast as its pools start them (leaseRoom), collecting what it
   * has leased meanwhile, until a lease finds less than it asked for; resolves once all it leased is recorded.
   */
  async function leaseAsPoolsStart(summary: RunSummary): Promise<void> {
    const pools = new Set<string>();
    const leases: Promise<void>[] = [];
    let limit = Math.min(leaseBatch, concurrencyLimit);
    while (!stopping) {
      const now = clock.now();
      const leased = await leaseDueVideos(store, { now, leaseUntil: now + leaseMs, limit });
      summary.leased += leased.length;
      for (const video of leased) pools.add(`${video.mode}:${video.platform}`);
      if (leased.length > 0) leases.push(processLeased(leased, summary));
      if (leased.length < limit) break;
      limit = leaseRoom(pools);
      while (limit === 0 && !stopping) {
        await new Promise<void>((resolve) => {
          batchStarted = resolve;
        });
        batchStarted = undefined;
        limit = leaseRoom(pools);
      }
    }
    await Promise.all(leases);
  }

  const engine: Engine = {
    async runDue() {
      const summary: RunSummary = { leased: 0, fates: emptyFates(), latenessMs: [], byPlatform: {} };
      // The sole scheduler pages through what is due; in a fleet each worker leases its share instead.
      if (options.soleScheduler) await pageThroughDue(summary);
      else await leaseAsPoolsStart(summary);
      return summary;
    },

    async start(pollIntervalMs = 1_000) {
      stopping = false;
      shutdown = new AbortController();
      if (options.soleScheduler) {
        const released = await releaseAbandonedLeases(store, clock.now());
        if (released > 0) log.info({ released }, 'took back slots leased by a previous process');
      }
      loop = (async () => {
        while (!stopping) {
          const passStarted = performance.now();
          let waitMs = pollIntervalMs;
          try {
            const summary = await engine.runDue();
            options.onPass?.(summary);
            // Passes start every pollIntervalMs: one that took longer (a backlog, a slow platform) is followed
            // at once, since slots fell due while it ran. (A failed pass waits the whole interval.)
            waitMs = Math.max(0, pollIntervalMs - (performance.now() - passStarted));
          } catch (error) {
            log.error({ err: error }, 'scheduler pass failed');
          }
          if (stopping) break;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, waitMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      })();
    },

    async stop(graceMs = 15_000) {
      stopping = true;
      wake?.();
      batchStarted?.();
      const abandon = setTimeout(() => shutdown.abort(), graceMs);
      await loop;
      clearTimeout(abandon);
    },

    breakerState(platform) {
      return breakers.get(platform)?.state(clock.now()) ?? 'closed';
    },
  };
  // Each process has its own breakers: the gauge is per process, read when Prometheus scrapes.
  metrics?.onScrape(async () => {
    for (const platform of PLATFORMS)
      metrics.set(
        'contentstats_circuit_breaker_state',
        BREAKER_STATE_VALUE[breakers.get(platform)?.state(clock.now()) ?? 'closed'],
        {
          platform,
        },
      );
  });
  return engine;
}
