// snapshot.created is the one event written for every stored snapshot, hundreds a second for a large account.
// Writing its whole body (the video and the snapshot, about 1.2 KB) in the recording transaction multiplied
// what recording writes; instead it stores what changes about the video (about 200 bytes) and the snapshot's
// slot, and the body is rendered at the first delivery from those, the video's fixed fields and the stored
// (immutable) snapshot — the same bytes as if rendered at recording time — then kept for every later attempt.
import { presentSnapshot, presentVideoListItem } from '../presentation/video.ts';
import type { VideoRow } from '../store/schema.ts';
import type { SnapshotRow } from '../store/snapshots.ts';
import type { Executor } from '../store/transaction.ts';
import { freezeEventPayload, videoAndSnapshot } from '../store/webhooks.ts';
import { eventBody } from './write-events.ts';

/** The fields of a video that change during its tracking and show in its presentation. */
const CHANGING = [
  'status',
  'next_slot',
  'next_due_at',
  'snapshots_collected',
  'snapshots_missed',
  'ended_at',
  'error_reason',
  'title',
  'creator',
] as const satisfies readonly (keyof VideoRow)[];

type ChangingFields = Pick<VideoRow, (typeof CHANGING)[number]>;

interface DeferredSnapshotData {
  video_id: string;
  slot: number;
  video: ChangingFields;
}

/** What a snapshot.created event stores instead of its body: the video as it is now, the snapshot's slot. */
export function deferredSnapshotData(video: VideoRow, snapshot: SnapshotRow): string {
  const changing = {} as Record<string, unknown>;
  for (const field of CHANGING) changing[field] = video[field];
  return JSON.stringify({ video_id: video.id, slot: snapshot.slot, video: changing });
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
  const video: VideoRow = { ...found.video, ...deferred.video };
  const body = eventBody(event.id, event.type, event.createdAt, snapshotEventData(video, found.snapshot));
  return freezeEventPayload(ex, event.id, body);
}
