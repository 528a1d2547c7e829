// What snapshots cost and what a tracking sets aside for them. Live keys pay a price per collected snapshot,
// fixed on the video when its tracking starts; test mode is free: it reserves nothing and is charged nothing.
// Every amount is integer micro-USD.
//
// One statement repeats the charge rule in SQL, because the store imports nothing of ours: the advance of a
// batch of videos (advanceVideosOneSlot in store/videos.ts). pricing.test.ts holds the two equal on both
// databases.
import type { Mode } from '../store/schema.ts';

/** Whether a mode's snapshots are paid for: live ones are, test ones never. */
export const isChargedMode = (mode: Mode): boolean => mode === 'live';

/** What one collected snapshot of a video costs its owner: the video's price in live mode, nothing in test. */
export const snapshotChargeMicroUsd = (mode: Mode, costPerSnapshotMicroUsd: number): number =>
  isChargedMode(mode) ? costPerSnapshotMicroUsd : 0;

/**
 * What a tracking sets aside from the available balance for `slots` snapshots to come: each one's charge.
 * Tracking reserves its whole estimate; resuming reserves the slots left.
 */
export const reservationMicroUsd = (slots: number, costPerSnapshotMicroUsd: number, mode: Mode): number =>
  slots * snapshotChargeMicroUsd(mode, costPerSnapshotMicroUsd);

/** The price of `slots` snapshots as the API quotes it for a video, whatever the mode. */
export const estimatedCostMicroUsd = (slots: number, costPerSnapshotMicroUsd: number): number =>
  slots * costPerSnapshotMicroUsd;

/** How many snapshots a balance pays for at a price; none when snapshots are free (nothing to count). */
export const snapshotsAffordable = (balanceMicroUsd: number, costPerSnapshotMicroUsd: number): number =>
  costPerSnapshotMicroUsd > 0 ? Math.floor(balanceMicroUsd / costPerSnapshotMicroUsd) : 0;
