// What a track answers, shared by the track itself (track.ts) and the write that admits it (track-writes.ts).
import type { CollectFailure, PlatformName } from '../platforms/types.ts';
import type { Result } from '../result.ts';
import type { VideoRow } from '../store/schema.ts';
import type { SnapshotRow } from '../store/snapshots.ts';
import type { Executor } from '../store/transaction.ts';
import type { StartedTracking } from './start-trackings.ts';

export type TrackError =
  | { kind: 'invalid_url'; message: string }
  | { kind: 'account_disabled' }
  | { kind: 'insufficient_balance'; availableMicroUsd: number; estimatedCostMicroUsd: number }
  | { kind: 'active_video_limit'; limit: number }
  | { kind: 'video_unavailable'; failure: CollectFailure }
  | { kind: 'platform_unreadable'; platform: PlatformName; failure: CollectFailure }
  | { kind: 'no_collector'; platform: PlatformName }
  /** The caller's guard no longer held when the tracking was about to be written: nothing was written. */
  | { kind: 'superseded' };

export type TrackResult = Result<StartedTracking, TrackError>;

/**
 * A condition of the caller's that the tracking's own transaction checks before writing it, and what the caller
 * writes in that same transaction (the API: the request's claim on an Idempotency-Key, and the answer to
 * replay), so a crash can never keep the tracking without the answer or the answer without the tracking.
 */
export interface TrackGuard {
  /** False when the tracking must not be written: another request took over the caller's claim. */
  holds(tx: Executor): Promise<boolean>;
  started(tx: Executor, video: VideoRow, firstSnapshot: SnapshotRow): Promise<void>;
}
