// Taking a video out of `monitoring`, the one way a tracking stops: completion, an error, the owner's stop or
// pause, the operator's cancel. What is left of the reservation goes back in the same transaction.
import { EMAIL_SHARE_LINK_TTL_MS, issueShareLink } from '../accounts/share-links.ts';
import { postLedgerEntry } from '../store/ledger.ts';
import { enqueueOutbox } from '../store/outbox.ts';
import type { VideoRow, VideoStatus } from '../store/schema.ts';
import type { Tx } from '../store/transaction.ts';
import { addUsage } from '../store/usage.ts';
import { updateVideo } from '../store/videos.ts';
import { announceTrackingEnded } from '../webhooks/tracking-events.ts';

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
  tx: Tx,
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
    charged_micro_usd: ended.charged_micro_usd,
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
  await announceTrackingEnded(tx, ended, now);
  if (status === 'completed' || status === 'error') {
    // The email's data links open in a browser: a share link of this video for 30 days, made with the email.
    // Its token rides in the outbox row until the email is sent (notify/outbox-worker.ts then drops it).
    const link = await issueShareLink(tx, {
      accountId: video.account_id,
      mode: video.mode,
      scope: { videoId: video.id },
      expiresAt: now + EMAIL_SHARE_LINK_TTL_MS,
      origin: 'email',
      now,
    });
    await enqueueOutbox(tx, {
      kind: 'email',
      accountId: video.account_id,
      payload: {
        event: status === 'completed' ? 'tracking.completed' : 'tracking.error',
        video_id: video.id,
        share_token: link.token,
        share_expires_at: now + EMAIL_SHARE_LINK_TTL_MS,
      },
      at: now,
    });
  }
  return ended;
}
