// Slots that could not be collected (failures past their window, downtime, a pause) are recorded as missed:
// a row with no counts and no charge, never backfilled.
import type { VideoRow } from '../store/schema.ts';
import { insertSnapshotsOnce, missedSnapshot, slotKey, snapshotRow } from '../store/snapshots.ts';
import type { Tx } from '../store/transaction.ts';
import { announceMissedSnapshots } from '../webhooks/tracking-events.ts';
import { advanceVideo } from './advance-video.ts';

/**
 * Records the slots from the video's next slot up to `toSlot` (exclusive) as missed (no counts, no charge)
 * and advances the video to `toSlot`. Returns the video as it now is.
 */
export async function recordMissedSlots(
  tx: Tx,
  video: VideoRow,
  toSlot: number,
  now: number,
): Promise<VideoRow> {
  const until = Math.min(toSlot, video.total_slots);
  const slots = Array.from({ length: Math.max(0, until - video.next_slot) }, (_, i) => video.next_slot + i);
  const snapshots = slots.map((slot) => missedSnapshot(video.video_key, slot, now));
  const stored = await insertSnapshotsOnce(tx, snapshots);
  const missed = stored.size;
  if (until <= video.next_slot) return video;
  const advanced = await advanceVideo(
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
  await announceMissedSnapshots(
    tx,
    advanced,
    snapshots.filter((s) => stored.has(slotKey(s.videoKey, s.slot))).map((s) => snapshotRow(video.id, s)),
    now,
  );
  return advanced;
}
