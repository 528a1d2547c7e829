// User and operator transitions of a tracking: stop, pause, resume, cancel.
import { reservationMicroUsd } from '../billing/pricing.ts';
import { err, ok, type Result } from '../result.ts';
import { lockAccount } from '../store/accounts.ts';
import { postLedgerEntry } from '../store/ledger.ts';
import type { Mode, VideoRow, VideoStatus } from '../store/schema.ts';
import { type NotInTransaction, type Tx, writeTransaction } from '../store/transaction.ts';
import { addUsage } from '../store/usage.ts';
import { findVideo, lockVideo, updateVideo } from '../store/videos.ts';
import { checkBalanceLow } from '../webhooks/balance-low.ts';
import { endOrPause } from './end-or-pause.ts';
import { recordMissedSlots } from './record-missed-slots.ts';
import { slotAt, slotDueAt } from './slots.ts';

export type TransitionError =
  | { kind: 'video_not_found' }
  | { kind: 'invalid_state'; status: VideoStatus; message: string }
  | { kind: 'insufficient_balance'; availableMicroUsd: number; estimatedCostMicroUsd: number }
  | { kind: 'window_over' };

/** The video as the transition left it, and the status it had before. */
export interface Transitioned {
  previous: VideoStatus;
  video: VideoRow;
}

export type TransitionResult = Result<Transitioned, TransitionError>;

interface Owner {
  accountId: string;
  mode: Mode;
}

async function lockOwnedVideo(tx: Tx, owner: Owner | null, videoId: string): Promise<VideoRow | undefined> {
  const video = await lockVideo(tx, videoId);
  if (!video) return undefined;
  if (owner && (video.account_id !== owner.accountId || video.mode !== owner.mode)) return undefined;
  return video;
}

/**
 * The shape every transition shares: lock the video (as its owner sees it, or any video for the operator),
 * check it is in a state the transition starts from, apply the change, answer with the video as it now is.
 */
function transition(options: {
  from: readonly VideoStatus[];
  refusal: (status: VideoStatus) => string;
  apply: (tx: Tx, video: VideoRow, now: number) => Promise<TransitionError | undefined>;
}) {
  return (
    store: NotInTransaction,
    owner: Owner | null,
    videoId: string,
    now: number,
  ): Promise<TransitionResult> =>
    writeTransaction(store, async (tx): Promise<TransitionResult> => {
      const video = await lockOwnedVideo(tx, owner, videoId);
      if (!video) return err({ kind: 'video_not_found' });
      if (!options.from.includes(video.status)) {
        return err({ kind: 'invalid_state', status: video.status, message: options.refusal(video.status) });
      }
      const error = await options.apply(tx, video, now);
      if (error) return err(error);
      return ok({ previous: video.status, video: (await findVideo(tx, video.id))! });
    });
}

/** Ends tracking early; collected snapshots stay and the unused reservation is released. */
export const stopVideo = transition({
  from: ['monitoring', 'paused'],
  refusal: (status) => `Video is already ${status}`,
  apply: async (tx, video, now) => {
    await endOrPause(tx, video, 'completed', now);
    return undefined;
  },
});

/** Pauses collection; the reservation for the remaining slots goes back to the balance until resume. */
export const pauseVideo = transition({
  from: ['monitoring'],
  refusal: (status) => `Only a monitoring video can be paused (it is ${status})`,
  apply: async (tx, video, now) => {
    await endOrPause(tx, video, 'paused', now);
    return undefined;
  },
});

/**
 * Continues a paused video within its original window: the slots that passed while paused are recorded as
 * missed (never invented), and the remaining slots are reserved again from the available balance.
 */
export const resumeVideo = transition({
  from: ['paused'],
  refusal: (status) => `Only a paused video can be resumed (it is ${status})`,
  apply: async (tx, video, now) => {
    const currentSlot = Math.max(video.next_slot, slotAt(video, now));
    if (currentSlot >= video.total_slots) {
      // The window has passed while paused: the rest is missed and the tracking completes.
      await recordMissedSlots(tx, video, video.total_slots, now);
      return { kind: 'window_over' };
    }
    const remaining = video.total_slots - currentSlot;
    const reserve = reservationMicroUsd(remaining, video.cost_per_snapshot_micro_usd, video.mode);
    const account = (await lockAccount(tx, video.account_id))!;
    const available = account.balance_micro_usd - account.reserved_micro_usd;
    if (available < reserve) {
      return { kind: 'insufficient_balance', availableMicroUsd: available, estimatedCostMicroUsd: reserve };
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
    await addUsage(tx, video.account_id, video.mode, { activeVideos: 1 });
    await updateVideo(tx, video.id, {
      status: 'monitoring',
      reserved_micro_usd: reserve,
      next_due_at: slotDueAt(video, currentSlot),
      last_updated_at: now,
      error_reason: null,
    });
    // The current slot's due time has passed (its window is open), so the scheduler collects it at once.
    const resumed: VideoRow = { ...video, status: 'monitoring', reserved_micro_usd: reserve };
    if (currentSlot > video.next_slot) await recordMissedSlots(tx, resumed, currentSlot, now);
    if (reserve > 0) await checkBalanceLow(tx, [video.account_id], now);
    return undefined;
  },
});

/** The operator's cancel (or a disabled account): ends without notification, releasing the reservation. */
export function cancelVideo(
  store: NotInTransaction,
  videoId: string,
  now: number,
  reason: string,
): Promise<TransitionResult> {
  return transition({
    from: ['monitoring', 'paused'],
    refusal: (status) => `Video is already ${status}`,
    apply: async (tx, video, at) => {
      await endOrPause(tx, video, 'cancelled', at, { error_reason: reason });
      return undefined;
    },
  })(store, null, videoId, now);
}
