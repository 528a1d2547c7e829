// Starting trackings: the video, its slot-0 snapshot as the track-time probe saw it, and in live mode the
// reservation of its whole estimate and the first charge out of it.
import { snapshotChargeMicroUsd } from '../billing/pricing.ts';
import type { Observation } from '../platforms/types.ts';
import { type LedgerPosting, postLedgerEntries } from '../store/ledger.ts';
import type { UnkeyedVideoRow, VideoRow } from '../store/schema.ts';
import { insertFirstSnapshots, type SnapshotRow, snapshotRow } from '../store/snapshots.ts';
import { indexVideoTags } from '../store/tags.ts';
import type { Tx } from '../store/transaction.ts';
import { type AccountUsageChange, addUsages } from '../store/usage.ts';
import { insertVideos } from '../store/videos.ts';
import { checkBalanceLow } from '../webhooks/balance-low.ts';
import { openBatchCharges } from './batch-charges.ts';
import { observedSnapshot } from './observed-snapshot.ts';
import { slotDueAt } from './slots.ts';

export interface NewTracking {
  /** The new tracking before slot 0: next_slot 0, reserved_micro_usd = the whole estimate, created now. */
  video: UnkeyedVideoRow;
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
export async function startTrackings(tx: Tx, trackings: readonly NewTracking[]): Promise<StartedTracking[]> {
  if (trackings.length === 0) return [];
  const chargeOf = ({ video }: NewTracking) =>
    snapshotChargeMicroUsd(video.mode, video.cost_per_snapshot_micro_usd);
  const videos = await insertVideos(
    tx,
    trackings.map((tracking): UnkeyedVideoRow => {
      const { video } = tracking;
      return {
        ...video,
        reserved_micro_usd: video.reserved_micro_usd - chargeOf(tracking),
        snapshots_collected: 1,
        charged_micro_usd: chargeOf(tracking),
        next_slot: 1,
        next_due_at: slotDueAt(video, 1),
        attempts: 0,
        last_updated_at: video.created_at,
      };
    }),
  );
  await indexVideoTags(tx, videos);
  const charges = await openBatchCharges(
    tx,
    trackings.map((tracking) => ({
      accountId: tracking.video.account_id,
      chargeMicroUsd: chargeOf(tracking),
    })),
  );
  const snapshots = trackings.map((tracking, i) =>
    observedSnapshot(
      videos[i]!.video_key,
      0,
      tracking.video.created_at,
      tracking.observation,
      charges.chargeFor(tracking.video.account_id, chargeOf(tracking)),
    ),
  );
  await insertFirstSnapshots(tx, snapshots);
  const reservations: LedgerPosting[] = trackings
    .filter(({ video }) => video.reserved_micro_usd > 0)
    .map(({ video }) => ({
      accountId: video.account_id,
      kind: 'reserve',
      balanceDeltaMicroUsd: 0,
      reservedDeltaMicroUsd: video.reserved_micro_usd,
      videoId: video.id,
      at: video.created_at,
    }));
  // The reservations first: each first charge comes out of its video's.
  await postLedgerEntries(tx, [
    ...reservations,
    ...charges.postings(
      trackings.map((tracking) => ({
        accountId: tracking.video.account_id,
        chargeMicroUsd: chargeOf(tracking),
      })),
      trackings[0]!.video.created_at,
    ),
  ]);
  const usageChanges: AccountUsageChange[] = trackings.map((tracking) => ({
    accountId: tracking.video.account_id,
    mode: tracking.video.mode,
    activeVideos: 1,
    snapshotsCollected: 1,
    chargedMicroUsd: chargeOf(tracking),
  }));
  await addUsages(tx, usageChanges);
  const reserving = trackings.filter(({ video }) => video.reserved_micro_usd > 0);
  if (reserving.length > 0) {
    await checkBalanceLow(
      tx,
      reserving.map(({ video }) => video.account_id),
      reserving[0]!.video.created_at,
    );
  }
  return videos.map((video, i) => ({ video, firstSnapshot: snapshotRow(video.id, snapshots[i]!) }));
}
