import type { Observation } from '../platforms/types.ts';
import type { NewSnapshot } from '../store/snapshots.ts';

/** What a collected slot's snapshot is charged, and the ledger entry that posts it (null when not charged). */
export interface SnapshotCharge {
  chargedMicroUsd: number;
  ledgerEntryId: number | null;
}

/** The snapshot of a slot the platform answered: its counts, where they came from, whether rounded. */
export function observedSnapshot(
  videoKey: number,
  slot: number,
  takenAt: number,
  observation: Observation,
  charge: SnapshotCharge,
): NewSnapshot {
  return {
    videoKey,
    slot,
    takenAt,
    missed: false,
    ...observation.metrics,
    provider: observation.provider,
    approximate: observation.approximate ?? false,
    ...charge,
  };
}
