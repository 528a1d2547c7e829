// snapshot.created is the one event written for every stored snapshot, hundreds a second for a large account.
// Writing its whole body (the video and the snapshot, about 1.2 KB) in the recording transaction multiplied
// what recording writes; instead it stores the video's id, the snapshot's slot and the metadata the
// observation left, and the body is rendered at the first delivery: the video's fixed fields as stored, its
// state as of that slot (the slot stepped past, completed after the last one, the counters counted up to the
// slot) and the stored, immutable snapshot. It is then kept, so every attempt sends the same bytes.
import { presentSnapshot, presentVideoListItem } from '../presentation/video.ts';
import type { VideoRow } from '../store/schema.ts';
import { type SnapshotRow, snapshotCountsThrough } from '../store/snapshots.ts';
import type { Executor } from '../store/transaction.ts';
import { freezeEventPayload, videoAndSnapshot } from '../store/webhooks.ts';
import { eventBody } from './write-events.ts';

interface DeferredSnapshotData {
  video_id: string;
  slot: number;
  title: string | null;
  creator: string | null;
}

/** What a snapshot.created event stores instead of its body (about 80 bytes). */
export function deferredSnapshotData(stored: {
  video: Pick<VideoRow, 'id'>;
  snapshot: Pick<SnapshotRow, 'slot'>;
  title: string | null;
  creator: string | null;
}): string {
  const data: DeferredSnapshotData = {
    video_id: stored.video.id,
    slot: stored.snapshot.slot,
    title: stored.title,
    creator: stored.creator,
  };
  return JSON.stringify(data);
}

/**
 * The video as it was right after recording this snapshot: its fixed fields as stored, the slot stepped
 * past, completed after the last slot, its counters as of that slot, the metadata the observation left, its
 * snapshots not pruned.
 */
function videoAtSnapshot(
  video: VideoRow,
  snapshot: SnapshotRow,
  deferred: DeferredSnapshotData,
  counts: { collected: number; missed: number },
): VideoRow {
  const nextSlot = snapshot.slot + 1;
  const completed = nextSlot >= video.total_slots;
  return {
    ...video,
    status: completed ? 'completed' : 'monitoring',
    next_slot: nextSlot,
    next_due_at: completed ? null : video.created_at + nextSlot * video.interval_seconds * 1000,
    ended_at: completed ? snapshot.taken_at : null,
    snapshots_pruned_at: null,
    error_reason: null,
    snapshots_collected: counts.collected,
    snapshots_missed: counts.missed,
    title: deferred.title,
    creator: deferred.creator,
  };
}

/** The data of a snapshot.created event: the video and the snapshot as the API shows them. */
export function snapshotEventData(video: VideoRow, snapshot: SnapshotRow) {
  return { video: presentVideoListItem(video, snapshot), snapshot: presentSnapshot(video, snapshot) };
}

/**
 * The body of a deferred event, rendered once and stored. Undefined when its video or snapshot no longer
 * exists (a deleted account's data): the delivery then fails with that reason.
 */
export async function renderDeferredPayload(
  ex: Executor,
  event: { id: string; type: string; createdAt: number; deferredData: string },
): Promise<string | undefined> {
  const deferred = JSON.parse(event.deferredData) as DeferredSnapshotData;
  const found = await videoAndSnapshot(ex, deferred.video_id, deferred.slot);
  if (!found) return undefined;
  const counts = await snapshotCountsThrough(ex, found.video, deferred.slot);
  const video = videoAtSnapshot(found.video, found.snapshot, deferred, counts);
  const body = eventBody(event.id, event.type, event.createdAt, snapshotEventData(video, found.snapshot));
  return freezeEventPayload(ex, event.id, body);
}
