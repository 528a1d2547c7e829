// The one place that writes snapshots and the money that pays for them. Each function runs inside the
// caller's write transaction, so a snapshot, its charge and the video's advance commit together or not at all.
import { snapshotChargeMicroUsd } from '../billing/pricing.ts';
import { newTimeOrderedId } from '../ids.ts';
import type { Observation } from '../platforms/types.ts';
import { type LedgerPosting, postLedgerEntries, postLedgerEntry } from '../store/ledger.ts';
import { enqueueOutbox } from '../store/outbox.ts';
import type { VideoRow, VideoStatus } from '../store/schema.ts';
import {
  insertFirstSnapshots,
  insertSnapshotsOnce,
  missedSnapshot,
  type NewSnapshot,
  type SnapshotRow,
  snapshotRow,
} from '../store/snapshots.ts';
import type { Executor } from '../store/transaction.ts';
import { type AccountUsageChange, addUsage, addUsages } from '../store/usage.ts';
import {
  advanceVideosOneSlot,
  findVideo,
  insertVideos,
  type RecordingVideo,
  updateVideo,
} from '../store/videos.ts';
import { slotDueAt } from './slots.ts';

export type RecordOutcome = 'stored' | 'already_recorded' | 'not_collectable' | 'reservation_short';

export interface ObservedSlot {
  /** The video as read under lock in this transaction (the columns recording needs; see RecordingVideo). */
  video: RecordingVideo;
  slot: number;
  observation: Observation;
}

/**
 * Stores the snapshot of each video's slot, charges it (live mode) and advances the video past it — for a
 * whole batch with a handful of statements. Each video must be the row as read under lock in this transaction.
 */
export async function recordObservations(
  tx: Executor,
  observed: readonly ObservedSlot[],
  now: number,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  const collectable: ObservedSlot[] = [];
  for (const item of observed) {
    const { video, slot } = item;
    // Only the video's next slot can be recorded; callers record skipped slots as missed first.
    if (video.status !== 'monitoring' || slot !== video.next_slot || slot >= video.total_slots) {
      outcomes.set(video.id, 'not_collectable');
    } else if (video.reserved_micro_usd < chargeFor(video)) {
      // Cannot happen while reservations are honoured; if it does, stop rather than charge unreserved money.
      await endOrPause(tx, (await findVideo(tx, video.id))!, 'paused', now, {
        error_reason: 'reservation exhausted',
      });
      outcomes.set(video.id, 'reservation_short');
    } else {
      collectable.push(item);
    }
  }
  const snapshotIds = new Map(collectable.map((item) => [item.video.id, newTimeOrderedId('snp', now)]));
  const stored = await insertSnapshotsOnce(
    tx,
    collectable.map(({ video, slot, observation }) =>
      observedSnapshot(snapshotIds.get(video.id)!, video.id, slot, now, observation),
    ),
  );
  const storedItems = collectable.filter((item) => stored.has(snapshotIds.get(item.video.id)!));
  for (const item of collectable)
    outcomes.set(item.video.id, stored.has(snapshotIds.get(item.video.id)!) ? 'stored' : 'already_recorded');
  await postLedgerEntries(
    tx,
    storedItems
      .filter(({ video }) => chargeFor(video) > 0)
      .map(({ video }) => ({
        accountId: video.account_id,
        kind: 'charge' as const,
        balanceDeltaMicroUsd: -chargeFor(video),
        reservedDeltaMicroUsd: -chargeFor(video),
        videoId: video.id,
        snapshotId: snapshotIds.get(video.id)!,
        at: now,
      })),
  );
  await addUsages(
    tx,
    storedItems.map(({ video }) => ({
      accountId: video.account_id,
      mode: video.mode,
      snapshotsCollected: 1,
      chargedMicroUsd: chargeFor(video),
    })),
  );
  // Most videos simply step to their next slot: one statement for all of them.
  const isLastSlot = ({ video, slot }: ObservedSlot) => slot + 1 >= video.total_slots;
  await advanceVideosOneSlot(
    tx,
    storedItems.filter((item) => !isLastSlot(item)).map(({ video }) => video.id),
    now,
  );
  for (const item of storedItems) {
    const { video, slot, observation } = item;
    const metadata = {
      title: observation.metadata.title ?? video.title,
      creator: observation.metadata.creator ?? video.creator,
      description: observation.metadata.description ?? video.description,
    };
    if (isLastSlot(item)) {
      // The last slot completes the tracking, which needs the whole row (release, notification).
      const full = (await findVideo(tx, video.id))!;
      await advance(
        tx,
        {
          ...full,
          ...metadata,
          reserved_micro_usd: video.reserved_micro_usd - chargeFor(video),
          snapshots_collected: full.snapshots_collected + 1,
          next_slot: slot + 1,
          attempts: 0,
          last_updated_at: now,
        },
        now,
      );
    } else if (
      metadata.title !== video.title ||
      metadata.creator !== video.creator ||
      metadata.description !== video.description
    ) {
      await updateVideo(tx, video.id, metadata);
    }
  }
  return outcomes;
}

/** The snapshot of a slot the platform answered: its counts, where they came from, whether rounded. */
function observedSnapshot(
  id: string,
  videoId: string,
  slot: number,
  takenAt: number,
  observation: Observation,
): NewSnapshot {
  return {
    id,
    videoId,
    slot,
    takenAt,
    missed: false,
    ...observation.metrics,
    provider: observation.provider,
    approximate: observation.approximate ?? false,
  };
}

const chargeFor = (video: Pick<RecordingVideo, 'mode' | 'cost_per_snapshot_micro_usd'>): number =>
  snapshotChargeMicroUsd(video.mode, video.cost_per_snapshot_micro_usd);

export interface NewTracking {
  /** The new tracking before slot 0: next_slot 0, reserved_micro_usd = the whole estimate, created now. */
  video: VideoRow;
  /** Slot 0 as the track-time probe observed it (at the video's created_at). */
  observation: Observation;
}

export interface StartedTracking {
  video: VideoRow;
  firstSnapshot: SnapshotRow;
}

/**
 * Creates trackings whose slot 0 the track-time probe observed: each video is written already past slot 0,
 * with its first snapshot, and in live mode its whole estimate is reserved and the first snapshot charged
 * from it — the same rows and money as creating, reserving and then recording slot 0. Concurrent tracks are
 * written together: a handful of statements for the whole batch, whatever its size.
 */
export async function startTrackings(
  tx: Executor,
  trackings: readonly NewTracking[],
): Promise<StartedTracking[]> {
  const postings: LedgerPosting[] = [];
  const usageChanges: AccountUsageChange[] = [];
  const snapshots: NewSnapshot[] = [];
  const started = trackings.map(({ video, observation }): StartedTracking => {
    const now = video.created_at;
    const charge = chargeFor(video);
    const snapshot = observedSnapshot(newTimeOrderedId('snp', now), video.id, 0, now, observation);
    snapshots.push(snapshot);
    if (video.reserved_micro_usd > 0) {
      postings.push({
        accountId: video.account_id,
        kind: 'reserve',
        balanceDeltaMicroUsd: 0,
        reservedDeltaMicroUsd: video.reserved_micro_usd,
        videoId: video.id,
        at: now,
      });
    }
    if (charge > 0) {
      postings.push({
        accountId: video.account_id,
        kind: 'charge',
        balanceDeltaMicroUsd: -charge,
        reservedDeltaMicroUsd: -charge,
        videoId: video.id,
        snapshotId: snapshot.id,
        at: now,
      });
    }
    usageChanges.push({
      accountId: video.account_id,
      mode: video.mode,
      activeVideos: 1,
      snapshotsCollected: 1,
      chargedMicroUsd: charge,
    });
    return {
      video: {
        ...video,
        reserved_micro_usd: video.reserved_micro_usd - charge,
        snapshots_collected: 1,
        next_slot: 1,
        next_due_at: slotDueAt(video, 1),
        attempts: 0,
        last_updated_at: now,
      },
      firstSnapshot: snapshotRow(snapshot),
    };
  });
  await insertVideos(
    tx,
    started.map(({ video }) => video),
  );
  await insertFirstSnapshots(tx, snapshots);
  await postLedgerEntries(tx, postings);
  await addUsages(tx, usageChanges);
  return started;
}

/** Stores the snapshot of `slot`, charges it (live mode) and advances the video past it. */
export async function recordObservation(
  tx: Executor,
  video: VideoRow,
  slot: number,
  observation: Observation,
  now: number,
): Promise<RecordOutcome> {
  const outcomes = await recordObservations(tx, [{ video, slot, observation }], now);
  return outcomes.get(video.id)!;
}

/**
 * Records the slots from the video's next slot up to `toSlot` (exclusive) as missed (no counts, no charge)
 * and advances the video to `toSlot`. Returns the video as it now is.
 */
export async function recordMissedSlots(
  tx: Executor,
  video: VideoRow,
  toSlot: number,
  now: number,
): Promise<VideoRow> {
  const until = Math.min(toSlot, video.total_slots);
  const slots = Array.from({ length: Math.max(0, until - video.next_slot) }, (_, i) => video.next_slot + i);
  const missed = (
    await insertSnapshotsOnce(
      tx,
      slots.map((slot) => missedSnapshot(newTimeOrderedId('snp', now), video.id, slot, now)),
    )
  ).size;
  if (until <= video.next_slot) return video;
  return advance(
    tx,
    {
      ...video,
      snapshots_missed: video.snapshots_missed + missed,
      next_slot: until,
      attempts: 0,
      last_updated_at: now,
    },
    now,
  );
}

/** Writes the advanced video: the next slot's due time, or completion after the last slot. */
async function advance(tx: Executor, video: VideoRow, now: number): Promise<VideoRow> {
  if (video.next_slot >= video.total_slots) return endOrPause(tx, video, 'completed', now);
  const next_due_at = slotDueAt(video, video.next_slot);
  await updateVideo(tx, video.id, {
    title: video.title,
    creator: video.creator,
    description: video.description,
    reserved_micro_usd: video.reserved_micro_usd,
    snapshots_collected: video.snapshots_collected,
    snapshots_missed: video.snapshots_missed,
    next_slot: video.next_slot,
    next_due_at,
    attempts: video.attempts,
    last_updated_at: now,
  });
  return { ...video, next_due_at };
}

export interface EndDetails {
  error_reason?: string | null;
  is_deleted?: number;
}

/**
 * Moves a video out of `monitoring`: ends it (completed, error, cancelled), or pauses it. Either way what is
 * left of its reservation goes back to the account, and an ending queues the owner's notification in the
 * same transaction.
 */
export async function endOrPause(
  tx: Executor,
  video: VideoRow,
  status: Exclude<VideoStatus, 'monitoring'>,
  now: number,
  details: EndDetails = {},
): Promise<VideoRow> {
  if (video.reserved_micro_usd > 0) {
    await postLedgerEntry(tx, {
      accountId: video.account_id,
      kind: 'release',
      balanceDeltaMicroUsd: 0,
      reservedDeltaMicroUsd: -video.reserved_micro_usd,
      videoId: video.id,
      note: status,
      at: now,
    });
  }
  const ended: VideoRow = {
    ...video,
    status,
    reserved_micro_usd: 0,
    next_due_at: null,
    attempts: 0,
    last_updated_at: now,
    ended_at: status === 'paused' ? null : now,
    ...details,
  };
  await updateVideo(tx, video.id, {
    title: ended.title,
    creator: ended.creator,
    description: ended.description,
    snapshots_collected: ended.snapshots_collected,
    snapshots_missed: ended.snapshots_missed,
    next_slot: ended.next_slot,
    status: ended.status,
    reserved_micro_usd: 0,
    next_due_at: null,
    attempts: 0,
    last_updated_at: now,
    ended_at: ended.ended_at,
    is_deleted: ended.is_deleted,
    error_reason: ended.error_reason,
  });
  if (video.status === 'monitoring') await addUsage(tx, video.account_id, video.mode, { activeVideos: -1 });
  if (status === 'completed' || status === 'error') {
    await enqueueOutbox(tx, {
      kind: 'email',
      accountId: video.account_id,
      payload: {
        event: status === 'completed' ? 'tracking.completed' : 'tracking.error',
        video_id: video.id,
      },
      at: now,
    });
  }
  return ended;
}
