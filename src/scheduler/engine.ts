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
import { recordSlotResults, type SlotFate, type SlotResult } from './record-results.ts';
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
  /** How many due videos one lease query takes. */
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
  const concurrency = new Semaphore(options.concurrency ?? 16);
  const perPlatformLimit = options.perPlatformConcurrency ?? 8;
  const platformPools = new Map<string, Semaphore>();
  const breakers = new Map<PlatformName, CircuitBreaker>();
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const leaseBatch = options.leaseBatch ?? 1000;
  const collectTimeoutMs = options.collectTimeoutMs ?? 60_000;
  const backoff: BackoffPolicy = { ...DEFAULT_BACKOFF, random: Math.random, ...options.backoff };
  let shutdown = new AbortController();
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

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
    const recorded = await recordSlotResults(store, items, clock.now(), backoff, { log, metrics });
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
        tasks.push(
          concurrency.run(() => pool.run(() => processBatch(group.mode, group.platform, batch, summary))),
        );
      }
    }
    const settled = await Promise.allSettled(tasks);
    for (const s of settled)
      if (s.status === 'rejected')
        log.error({ err: s.reason }, 'snapshot batch failed; its leases will expire and retry');
  }

  const engine: Engine = {
    async runDue() {
      const summary: RunSummary = { leased: 0, fates: emptyFates(), latenessMs: [], byPlatform: {} };
      const passStart = clock.now();
      let cursor: { dueAt: number; id: string } | null = null;
      // A page is taken while the one before is still being collected, so the pools do not run dry at the
      // end of each page (the last answers of a page are the slowest); at most two pages are in hand.
      let previousPage: Promise<void> = Promise.resolve();
      let failure: { error: unknown } | undefined;
      while (!stopping && !failure) {
        const now = clock.now();
        // The sole scheduler pages through what is due; in a fleet each worker leases its share instead.
        const leased: DueVideo[] = options.soleScheduler
          ? await findDueVideos(store, { now: passStart, after: cursor, limit: leaseBatch })
          : await leaseDueVideos(store, { now, leaseUntil: now + leaseMs, limit: leaseBatch });
        if (leased.length === 0) break;
        const last: DueVideo = leased.at(-1)!;
        cursor = { dueAt: last.next_due_at!, id: last.id };
        summary.leased += leased.length;
        const page = processLeased(leased, summary).catch((error: unknown) => {
          failure ??= { error };
        });
        await previousPage;
        previousPage = page;
        if (leased.length < leaseBatch) break;
      }
      await previousPage;
      if (failure) throw failure.error;
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
