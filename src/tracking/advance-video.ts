import type { VideoRow } from '../store/schema.ts';
import type { Tx } from '../store/transaction.ts';
import { updateVideo } from '../store/videos.ts';
import { endOrPause } from './end-or-pause.ts';
import { slotDueAt } from './slots.ts';

/**
 * Writes a video moved on to its next slot (settled slots, counters, reservation as the caller left them):
 * the next slot's due time, or completion after the last slot.
 */
export async function advanceVideo(tx: Tx, video: VideoRow, now: number): Promise<VideoRow> {
  if (video.next_slot >= video.total_slots) return endOrPause(tx, video, 'completed', now);
  const next_due_at = slotDueAt(video, video.next_slot);
  await updateVideo(tx, video.id, {
    title: video.title,
    creator: video.creator,
    description: video.description,
    reserved_micro_usd: video.reserved_micro_usd,
    snapshots_collected: video.snapshots_collected,
    snapshots_missed: video.snapshots_missed,
    charged_micro_usd: video.charged_micro_usd,
    next_slot: video.next_slot,
    next_due_at,
    attempts: video.attempts,
    last_updated_at: now,
  });
  return { ...video, next_due_at };
}
