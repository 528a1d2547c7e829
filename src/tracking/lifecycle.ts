// User and operator transitions of a tracking: stop, pause, resume, cancel.
import { lockAccount } from '../store/accounts.ts';
import { postLedgerEntry } from '../store/ledger.ts';
import type { Mode, VideoRow, VideoStatus } from '../store/schema.ts';
import { type Executor, writeTransaction } from '../store/transaction.ts';
import { findVideo, lockVideo } from '../store/videos.ts';
import { endOrPause, recordMissedSlots } from './record.ts';
import { slotAt, slotDueAt } from './slots.ts';

export type TransitionError =
  | { kind: 'video_not_found' }
  | { kind: 'invalid_state'; status: VideoStatus; message: string }
  | { kind: 'insufficient_balance'; availableMicroUsd: number; estimatedCostMicroUsd: number }
  | { kind: 'window_over' };

export type TransitionResult =
  | { ok: true; previous: VideoStatus; video: VideoRow }
  | { ok: false; error: TransitionError };

interface Owner {
  accountId: string;
  mode: Mode;
}

async function lockOwnedVideo(
  tx: Executor,
  owner: Owner | null,
  videoId: string,
): Promise<VideoRow | undefined> {
  const video = await lockVideo(tx, videoId);
  if (!video) return undefined;
  if (owner && (video.account_id !== owner.accountId || video.mode !== owner.mode)) return undefined;
  return video;
}

/** Ends tracking early; collected snapshots stay and the unused reservation is released. */
export async function stopVideo(
  store: Executor,
  owner: Owner,
  videoId: string,
  now: number,
): Promise<TransitionResult> {
  return writeTransaction(store, async (tx): Promise<TransitionResult> => {
    const video = await lockOwnedVideo(tx, owner, videoId);
    if (!video) return { ok: false, error: { kind: 'video_not_found' } };
    if (video.status !== 'monitoring' && video.status !== 'paused') {
      return {
        ok: false,
        error: { kind: 'invalid_state', status: video.status, message: `Video is already ${video.status}` },
      };
    }
    await endOrPause(tx, video, 'completed', now);
    return { ok: true, previous: video.status, video: (await findVideo(tx, video.id))! };
  });
}

/** Pauses collection; the reservation for the remaining slots goes back to the balance until resume. */
export async function pauseVideo(
  store: Executor,
  owner: Owner,
  videoId: string,
  now: number,
): Promise<TransitionResult> {
  return writeTransaction(store, async (tx): Promise<TransitionResult> => {
    const video = await lockOwnedVideo(tx, owner, videoId);
    if (!video) return { ok: false, error: { kind: 'video_not_found' } };
    if (video.status !== 'monitoring') {
      return {
        ok: false,
        error: {
          kind: 'invalid_state',
          status: video.status,
          message: `Only a monitoring video can be paused (it is ${video.status})`,
        },
      };
    }
    await endOrPause(tx, video, 'paused', now);
    return { ok: true, previous: video.status, video: (await findVideo(tx, video.id))! };
  });
}

/**
 * Continues a paused video within its original window: the slots that passed while paused are recorded as
 * missed (never invented), and the remaining slots are reserved again from the available balance.
 */
export async function resumeVideo(
  store: Executor,
  owner: Owner | null,
  videoId: string,
  now: number,
): Promise<TransitionResult> {
  return writeTransaction(store, async (tx): Promise<TransitionResult> => {
    const video = await lockOwnedVideo(tx, owner, videoId);
    if (!video) return { ok: false, error: { kind: 'video_not_found' } };
    if (video.status !== 'paused') {
      return {
        ok: false,
        error: {
          kind: 'invalid_state',
          status: video.status,
          message: `Only a paused video can be resumed (it is ${video.status})`,
        },
      };
    }
    const currentSlot = Math.max(video.next_slot, slotAt(video, now));
    if (currentSlot >= video.total_slots) {
      await recordMissedSlots(tx, video, video.total_slots, now);
      return { ok: false, error: { kind: 'window_over' } };
    }
    const remaining = video.total_slots - currentSlot;
    const reserve = video.mode === 'live' ? remaining * video.cost_per_snapshot_micro_usd : 0;
    const account = (await lockAccount(tx, video.account_id))!;
    const available = account.balance_micro_usd - account.reserved_micro_usd;
    if (available < reserve) {
      return {
        ok: false,
        error: { kind: 'insufficient_balance', availableMicroUsd: available, estimatedCostMicroUsd: reserve },
      };
    }
    if (reserve > 0) {
      await postLedgerEntry(tx, {
        accountId: account.id,
        kind: 'reserve',
        balanceDeltaMicroUsd: 0,
        reservedDeltaMicroUsd: reserve,
        videoId: video.id,
        note: 'resume',
        at: now,
      });
    }
    const resumed: VideoRow = { ...video, status: 'monitoring', reserved_micro_usd: reserve };
    await tx.db
      .updateTable('videos')
      .set({
        status: 'monitoring',
        reserved_micro_usd: reserve,
        next_due_at: slotDueAt(video, currentSlot),
        last_updated_at: now,
        error_reason: null,
      })
      .where('id', '=', video.id)
      .execute();
    // The current slot's due time has passed (its window is open), so the scheduler collects it at once.
    if (currentSlot > video.next_slot) await recordMissedSlots(tx, resumed, currentSlot, now);
    return { ok: true, previous: video.status, video: (await findVideo(tx, video.id))! };
  });
}

/** The operator's cancel (or a disabled account): ends without notification, releasing the reservation. */
export async function cancelVideo(
  store: Executor,
  videoId: string,
  now: number,
  reason: string,
): Promise<TransitionResult> {
  return writeTransaction(store, async (tx): Promise<TransitionResult> => {
    const video = await lockOwnedVideo(tx, null, videoId);
    if (!video) return { ok: false, error: { kind: 'video_not_found' } };
    if (video.status !== 'monitoring' && video.status !== 'paused') {
      return {
        ok: false,
        error: { kind: 'invalid_state', status: video.status, message: `Video is already ${video.status}` },
      };
    }
    await endOrPause(tx, video, 'cancelled', now, { error_reason: reason });
    return { ok: true, previous: video.status, video: (await findVideo(tx, video.id))! };
  });
}
