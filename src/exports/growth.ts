// Growth between two snapshots, as every export and the API show it: exact (BigInt over the decimal strings),
// and null where either side lacks the metric (a platform that does not expose it, a missed slot).
import type { SnapshotRow } from '../store/snapshots.ts';

export const SNAPSHOT_METRICS = ['views', 'likes', 'comments', 'shares', 'saves'] as const;
export type SnapshotMetric = (typeof SNAPSHOT_METRICS)[number];

export type Deltas = Record<`${SnapshotMetric}_delta`, string | null>;

/** `later − earlier`, or null unless both are known. */
export function countDifference(later: string | null, earlier: string | null | undefined): string | null {
  if (later === null || earlier === null || earlier === undefined) return null;
  // Counts of up to 15 digits are exact as doubles (below 2^53), and far cheaper than BigInt per export row.
  if (later.length <= 15 && earlier.length <= 15) return String(Number(later) - Number(earlier));
  return (BigInt(later) - BigInt(earlier)).toString();
}

/** Growth since the previous collected snapshot; null when either side lacks the metric. */
export function growthDeltas(current: SnapshotRow, previous: SnapshotRow | undefined): Deltas {
  const deltas = {} as Deltas;
  for (const metric of SNAPSHOT_METRICS) {
    deltas[`${metric}_delta`] = countDifference(current[metric], previous?.[metric]);
  }
  return deltas;
}

export const NO_DELTAS: Readonly<Deltas> = Object.fromEntries(
  SNAPSHOT_METRICS.map((m) => [`${m}_delta`, null]),
) as Deltas;
