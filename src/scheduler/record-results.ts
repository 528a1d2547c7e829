// Applies the results of collected slots to the database: one transaction at a time for the batches collected
// meanwhile, each video re-read under lock so a stop, pause or an earlier attempt that already recorded the slot
// always wins.
import type { Clock } from '../clock.ts';
import type { Log } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { CollectResult } from '../platforms/types.ts';
import type { VideoRow } from '../store/schema.ts';
import { type NotInTransaction, type Tx, writeTransaction } from '../store/transaction.ts';
import { lockVideo, lockVideosForRecording, updateVideo } from '../store/videos.ts';
import { endOrPause } from '../tracking/end-or-pause.ts';
import { recordMissedSlots } from '../tracking/record-missed-slots.ts';
import { type ObservedSlot, recordObservation, recordObservations } from '../tracking/record-observations.ts';
import { slotDueAt } from '../tracking/slots.ts';
import { coalescer } from './coalescer.ts';
import { type BackoffPolicy, FAILURE_CONSEQUENCES, retryDelayMs } from './failure-policy.ts';

export interface SlotResult {
  videoId: string;
  /** The slot this collection was for. */
  slot: number;
  result: CollectResult;
}

export type SlotFate = 'stored' | 'retry' | 'missed' | 'ended' | 'skipped';

export interface RecordSummary {
  fates: SlotFate[];
  /** For stored snapshots: how long after the slot was due it was recorded. */
  latenessMs: number[];
}

/** The uncommon cases, one video at a time: catch-up after downtime, and failures. */
async function applyOne(
  tx: Tx,
  fresh: VideoRow,
  item: SlotResult,
  now: number,
  backoff: BackoffPolicy,
): Promise<{ fate: SlotFate; latenessMs?: number }> {
  let video = fresh;
  if (item.slot > video.next_slot) {
    // Catch-up after downtime: the slots between were never collected; they are missed, never invented.
    video = await recordMissedSlots(tx, video, item.slot, now);
    if (video.status !== 'monitoring') return { fate: 'missed' };
  }
  if (item.result.ok) {
    const outcome = await recordObservation(tx, video, item.slot, item.result.value, now);
    return outcome === 'stored'
      ? { fate: 'stored', latenessMs: now - slotDueAt(video, item.slot) }
      : { fate: 'skipped' };
  }
  const failure = item.result.error;
  if (FAILURE_CONSEQUENCES[failure.kind] === 'end_tracking') {
    await endOrPause(tx, video, 'error', now, {
      is_deleted: failure.kind === 'not_found' && failure.deleted ? 1 : 0,
      error_reason:
        failure.kind === 'private'
          ? 'Video is private'
          : failure.deleted
            ? 'Video was deleted'
            : 'Video not found',
    });
    return { fate: 'ended' };
  }
  const retryAt = now + retryDelayMs(video.attempts, failure, backoff);
  if (retryAt < slotDueAt(video, item.slot + 1)) {
    await updateVideo(tx, video.id, { attempts: video.attempts + 1, next_due_at: retryAt });
    return { fate: 'retry' };
  }
  // No retry fits before the next slot is due: this slot is missed (not charged) and the next one is scheduled.
  await recordMissedSlots(tx, video, item.slot + 1, now);
  return { fate: 'missed' };
}

type Fate = { fate: SlotFate; latenessMs?: number };

/**
 * Applies a batch under one transaction. Each video is re-read under lock so a stop, a pause or an earlier
 * attempt that already settled the slot always wins. The common case — a successful collection of the video's
 * next slot — is recorded for the whole batch at once.
 */
async function applyBatch(
  tx: Tx,
  items: readonly SlotResult[],
  now: number,
  backoff: BackoffPolicy,
): Promise<Fate[]> {
  const videos = await lockVideosForRecording(
    tx,
    items.map((item) => item.videoId),
  );
  const fates = new Map<SlotResult, Fate>();
  const plain: Array<{ item: SlotResult } & ObservedSlot> = [];
  for (const item of items) {
    const fresh = videos.get(item.videoId);
    if (fresh?.status !== 'monitoring' || fresh.next_slot > item.slot) fates.set(item, { fate: 'skipped' });
    else if (item.result.ok && item.slot === fresh.next_slot)
      plain.push({ item, video: fresh, slot: item.slot, observation: item.result.value });
    else fates.set(item, await applyOne(tx, (await lockVideo(tx, item.videoId))!, item, now, backoff));
  }
  const outcomes = await recordObservations(tx, plain, now);
  for (const { item, video } of plain) {
    fates.set(
      item,
      outcomes.get(video.id) === 'stored'
        ? { fate: 'stored', latenessMs: now - slotDueAt(video, item.slot) }
        : { fate: 'skipped' },
    );
  }
  return items.map((item) => fates.get(item)!);
}

/** Where a failure to record is reported: nothing collected is dropped without a log line and a count. */
export interface RecordFailureReport {
  log: Pick<Log, 'warn' | 'error'>;
  metrics?: Pick<Metrics, 'increment'> | undefined;
}

/**
 * Records results in one transaction; if it fails as a whole, each result is retried on its own. The fate of
 * each item, in the items' order.
 */
async function recordEach(
  store: NotInTransaction,
  items: readonly SlotResult[],
  now: number,
  backoff: BackoffPolicy,
  report: RecordFailureReport,
): Promise<Fate[]> {
  try {
    return await writeTransaction(store, (tx) => applyBatch(tx, items, now, backoff));
  } catch (batchError) {
    report.metrics?.increment('contentstats_record_failures_total', { stage: 'batch' });
    report.log.warn(
      { err: batchError, results: items.length },
      'recording a batch failed; recording each of its results alone',
    );
    const fates: Fate[] = [];
    for (const item of items) {
      // A result that still cannot be recorded leaves its lease to expire: the slot is collected again later.
      const alone = await writeTransaction(store, (tx) => applyBatch(tx, [item], now, backoff)).catch(
        (error: unknown) => {
          report.metrics?.increment('contentstats_record_failures_total', { stage: 'result' });
          report.log.error(
            { err: error, videoId: item.videoId, slot: item.slot },
            'recording a collected result failed; the slot will be collected again when its lease expires',
          );
          return [{ fate: 'skipped' as const }];
        },
      );
      fates.push(alone[0]!);
    }
    return fates;
  }
}

function summarise(fates: readonly Fate[]): RecordSummary {
  const summary: RecordSummary = { fates: [], latenessMs: [] };
  for (const r of fates) {
    summary.fates.push(r.fate);
    if (r.latenessMs !== undefined) summary.latenessMs.push(r.latenessMs);
  }
  return summary;
}

export interface SlotRecorder {
  /** Records one collected batch, in a transaction it may share with batches handed in meanwhile. */
  record(items: readonly SlotResult[]): Promise<RecordSummary>;
}

/**
 * Records collected batches one transaction at a time, the batches handed in while one runs together in the
 * next (up to `maxResults` results). Recording an account's snapshots updates its balance and usage rows, which
 * PostgreSQL lets one transaction at a time hold until it commits: were each batch (a single TikTok page) its own
 * transaction, a fleet's recordings of one large account would queue for those rows, as many as pages in
 * flight (docs/scaling.md, "The fleet"). Shared, each process has one recording in that queue.
 */
export function createSlotRecorder(options: {
  store: NotInTransaction;
  clock: Pick<Clock, 'now'>;
  backoff: BackoffPolicy;
  report: RecordFailureReport;
  maxResults?: number;
}): SlotRecorder {
  const record = coalescer(
    (items: readonly SlotResult[]) =>
      recordEach(options.store, items, options.clock.now(), options.backoff, options.report),
    options.maxResults ?? 1000,
  );
  return { record: async (items) => summarise(await record(items)) };
}
