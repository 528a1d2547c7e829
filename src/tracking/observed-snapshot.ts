import type { Observation } from '../platforms/types.ts';
import type { NewSnapshot } from '../store/snapshots.ts';

/** The snapshot of a slot the platform answered: its counts, where they came from, whether rounded. */
export function observedSnapshot(
  id: string,
  videoId: string,
  slot: number,
  takenAt: number,
  observation: Observation,
): NewSnapshot {
  return {
    id,
    videoId,
    slot,
    takenAt,
    missed: false,
    ...observation.metrics,
    provider: observation.provider,
    approximate: observation.approximate ?? false,
  };
}
