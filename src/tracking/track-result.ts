// What a track answers, shared by the track itself (track.ts) and the write that admits it (track-writes.ts).
import type { CollectFailure } from '../platforms/types.ts';
import type { VideoRow } from '../store/schema.ts';
import type { SnapshotRow } from '../store/snapshots.ts';

export type TrackError =
  | { kind: 'invalid_url'; message: string }
  | { kind: 'account_disabled' }
  | { kind: 'insufficient_balance'; availableMicroUsd: number; estimatedCostMicroUsd: number }
  | { kind: 'active_video_limit'; limit: number }
  | { kind: 'video_unavailable'; failure: CollectFailure }
  | { kind: 'platform_unreadable'; failure: CollectFailure };

export type TrackResult =
  | { ok: true; video: VideoRow; firstSnapshot: SnapshotRow }
  | { ok: false; error: TrackError };
