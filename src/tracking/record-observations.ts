// Recording collected snapshots, the only writer of snapshots and the charges that pay for them. Each function
// runs inside the caller's write transaction, so a snapshot, its charge and the video's advance commit together
// or not at all.
import { snapshotChargeMicroUsd } from '../billing/pricing.ts';
import type { Observation } from '../platforms/types.ts';
import { postLedgerEntries } from '../store/ledger.ts';
import type { VideoRow } from '../store/schema.ts';
import { insertSnapshotsOnce, slotKey, snapshotRow } from '../store/snapshots.ts';
import type { Tx } from '../store/transaction.ts';
import { addUsages } from '../store/usage.ts';
import { advanceVideosOneSlot, findVideo, type RecordingVideo, updateVideo } from '../store/videos.ts';
import { announceStoredSnapshots } from '../webhooks/tracking-events.ts';
import { advanceVideo } from './advance-video.ts';
import { openBatchCharges } from './batch-charges.ts';
import { endOrPause } from './end-or-pause.ts';
import { observedSnapshot } from './observed-snapshot.ts';

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
  tx: Tx,
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
  const charges = await openBatchCharges(
    tx,
    collectable.map(({ video }) => ({ accountId: video.account_id, chargeMicroUsd: chargeFor(video) })),
  );
  const newSnapshots = collectable.map(({ video, slot, observation }) =>
    observedSnapshot(
      video.video_key,
      slot,
      now,
      observation,
      charges.chargeFor(video.account_id, chargeFor(video)),
    ),
  );
  const stored = await insertSnapshotsOnce(tx, newSnapshots);
  const isStored = collectable.map(({ video, slot }) => stored.has(slotKey(video.video_key, slot)));
  const storedItems = collectable.filter((_, i) => isStored[i]);
  for (const [i, item] of collectable.entries()) {
    outcomes.set(item.video.id, isStored[i] ? 'stored' : 'already_recorded');
  }
  await postLedgerEntries(
    tx,
    charges.postings(
      storedItems.map(({ video }) => ({ accountId: video.account_id, chargeMicroUsd: chargeFor(video) })),
      now,
    ),
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
      await advanceVideo(
        tx,
        {
          ...full,
          ...metadata,
          reserved_micro_usd: video.reserved_micro_usd - chargeFor(video),
          snapshots_collected: full.snapshots_collected + 1,
          charged_micro_usd: full.charged_micro_usd + chargeFor(video),
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
  await announceStoredSnapshots(
    tx,
    newSnapshots
      .filter((_, i) => isStored[i])
      .map((snapshot, i) => {
        const { video, observation } = storedItems[i]!;
        const { title, creator } = observation.metadata;
        return {
          video,
          snapshot: snapshotRow(video.id, snapshot),
          title: title ?? video.title,
          creator: creator ?? video.creator,
        };
      }),
    now,
  );
  return outcomes;
}

/** Stores the snapshot of `slot`, charges it (live mode) and advances the video past it. */
export async function recordObservation(
  tx: Tx,
  video: VideoRow,
  slot: number,
  observation: Observation,
  now: number,
): Promise<RecordOutcome> {
  const outcomes = await recordObservations(tx, [{ video, slot, observation }], now);
  return outcomes.get(video.id)!;
}

const chargeFor = (video: Pick<RecordingVideo, 'mode' | 'cost_per_snapshot_micro_usd'>): number =>
  snapshotChargeMicroUsd(video.mode, video.cost_per_snapshot_micro_usd);
