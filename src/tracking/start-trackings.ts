// Starting trackings: the video, its slot-0 snapshot as the track-time probe saw it, and in live mode the
// reservation of its whole estimate and the first charge out of it.
import { snapshotChargeMicroUsd } from '../billing/pricing.ts';
import { newTimeOrderedId } from '../ids.ts';
import type { Observation } from '../platforms/types.ts';
import { type LedgerPosting, postLedgerEntries } from '../store/ledger.ts';
import type { VideoRow } from '../store/schema.ts';
import { insertFirstSnapshots, type NewSnapshot, type SnapshotRow, snapshotRow } from '../store/snapshots.ts';
import { indexVideoTags } from '../store/tags.ts';
import type { Tx } from '../store/transaction.ts';
import { type AccountUsageChange, addUsages } from '../store/usage.ts';
import { insertVideos } from '../store/videos.ts';
import { checkBalanceLow } from '../webhooks/balance-low.ts';
import { observedSnapshot } from './observed-snapshot.ts';
import { slotDueAt } from './slots.ts';

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
export async function startTrackings(tx: Tx, trackings: readonly NewTracking[]): Promise<StartedTracking[]> {
  const postings: LedgerPosting[] = [];
  const usageChanges: AccountUsageChange[] = [];
  const snapshots: NewSnapshot[] = [];
  const started = trackings.map(({ video, observation }): StartedTracking => {
    const now = video.created_at;
    const charge = snapshotChargeMicroUsd(video.mode, video.cost_per_snapshot_micro_usd);
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
  await indexVideoTags(
    tx,
    started.map(({ video }) => video),
  );
  await insertFirstSnapshots(tx, snapshots);
  await postLedgerEntries(tx, postings);
  await addUsages(tx, usageChanges);
  const reserving = trackings.filter(({ video }) => video.reserved_micro_usd > 0);
  if (reserving.length > 0) {
    await checkBalanceLow(
      tx,
      reserving.map(({ video }) => video.account_id),
      reserving[0]!.video.created_at,
    );
  }
  return started;
}
