// Applies the results of collected slots to the database: one transaction per batch, each video re-read under
// lock so a stop, pause or an earlier attempt that already recorded the slot always wins.
import type { CollectResult } from '../platforms/types.ts';
import type { VideoRow } from '../store/schema.ts';
import { type Executor, writeTransaction } from '../store/transaction.ts';
import { lockVideo, updateVideo } from '../store/videos.ts';
import { endOrPause, recordMissedSlots, recordObservation } from '../tracking/record.ts';
import { slotDueAt } from '../tracking/slots.ts';
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

async function applyOne(
  tx: Executor,
  item: SlotResult,
  now: number,
  backoff: BackoffPolicy,
): Promise<{ fate: SlotFate; latenessMs?: number }> {
  const fresh = await lockVideo(tx, item.videoId);
  // Stopped, paused or ended meanwhile, or this slot was already settled by another attempt.
  if (fresh?.status !== 'monitoring' || fresh.next_slot > item.slot) return { fate: 'skipped' };
  let video: VideoRow = fresh;
  if (item.slot > video.next_slot) {
    // Catch-up after downtime: the slots between were never collected; they are missed, never invented.
    video = await recordMissedSlots(tx, video, item.slot, now);
    if (video.status !== 'monitoring') return { fate: 'missed' };
  }
  if (item.result.ok) {
    const outcome = await recordObservation(tx, video, item.slot, item.result.observation, now);
    return outcome === 'stored'
      ? { fate: 'stored', latenessMs: now - slotDueAt(video, item.slot) }
      : { fate: 'skipped' };
  }
  const failure = item.result.failure;
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

/** Records a batch in one transaction; if the batch fails as a whole, each result is retried on its own. */
export async function recordSlotResults(
  store: Executor,
  items: readonly SlotResult[],
  now: number,
  backoff: BackoffPolicy,
): Promise<RecordSummary> {
  const summary: RecordSummary = { fates: [], latenessMs: [] };
  const collect = (r: { fate: SlotFate; latenessMs?: number }) => {
    summary.fates.push(r.fate);
    if (r.latenessMs !== undefined) summary.latenessMs.push(r.latenessMs);
  };
  try {
    const results = await writeTransaction(store, async (tx) => {
      const out = [];
      for (const item of items) out.push(await applyOne(tx, item, now, backoff));
      return out;
    });
    results.forEach(collect);
  } catch {
    for (const item of items) {
      // A result that still cannot be recorded leaves its lease to expire: the slot is collected again later.
      const r = await writeTransaction(store, (tx) => applyOne(tx, item, now, backoff)).catch(() => ({
        fate: 'skipped' as const,
      }));
      collect(r);
    }
  }
  return summary;
}
