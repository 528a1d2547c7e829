// What an ended tracking's email says, read from the database at send time: the video as it ended, its first
// and newest collected snapshots, and the growth between them. Reading late (not when the row was queued)
// means a retried email still shows the final state.
import { type Err, err, ok, type Result } from '../result.ts';
import { findAccount } from '../store/accounts.ts';
import type { VideoRow } from '../store/schema.ts';
import { latestSnapshots, listSnapshots, type SnapshotRow } from '../store/snapshots.ts';
import type { Executor } from '../store/transaction.ts';
import { findVideo } from '../store/videos.ts';
import { parseCount } from './format-count.ts';

export const TRACKING_EVENTS = ['tracking.completed', 'tracking.error'] as const;
export type TrackingEvent = (typeof TRACKING_EVENTS)[number];

/** The outbox payload queued by tracking/end-or-pause.ts when a tracking ends. */
export interface TrackingEmailPayload {
  event: TrackingEvent;
  videoId: string;
  /** The share link made with the email (rows queued before share links existed have none). */
  share?: { token: string; expiresAt: number };
}

export const METRICS = ['views', 'likes', 'comments', 'shares', 'saves'] as const;
export type MetricName = (typeof METRICS)[number];

/** One metric over the period; null wherever the platform did not expose it. */
export interface MetricSummary {
  metric: MetricName;
  start: bigint | null;
  final: bigint | null;
  /** final − start, null unless both are known. */
  growth: bigint | null;
}

export interface TrackingReport {
  event: TrackingEvent;
  share: TrackingEmailPayload['share'];
  recipient: string;
  video: VideoRow;
  firstSnapshot: SnapshotRow | null;
  finalSnapshot: SnapshotRow | null;
  /** Empty when no snapshot was ever collected. */
  metrics: MetricSummary[];
}

/** Why an outbox row can never become an email (a bad payload, an unknown video): retrying will not help. */
export type Unrenderable = { kind: 'unrenderable'; message: string };

const unrenderable = (message: string): Err<Unrenderable> => err({ kind: 'unrenderable', message });

export type PayloadParse = Result<TrackingEmailPayload, Unrenderable>;

export function parseTrackingEmailPayload(payloadJson: string): PayloadParse {
  let value: unknown;
  try {
    value = JSON.parse(payloadJson);
  } catch {
    return unrenderable('payload is not JSON');
  }
  if (typeof value !== 'object' || value === null) return unrenderable('payload is not an object');
  const {
    event,
    video_id: videoId,
    share_token: shareToken,
    share_expires_at: shareExpiresAt,
  } = value as { event?: unknown; video_id?: unknown; share_token?: unknown; share_expires_at?: unknown };
  if (!TRACKING_EVENTS.some((known) => known === event))
    return unrenderable(`unknown event ${String(event)}`);
  if (typeof videoId !== 'string' || videoId === '') return unrenderable('payload has no video_id');
  const share =
    typeof shareToken === 'string' && typeof shareExpiresAt === 'number'
      ? { token: shareToken, expiresAt: shareExpiresAt }
      : undefined;
  return ok({ event: event as TrackingEvent, videoId, ...(share ? { share } : {}) });
}

/**
 * The payload once its email is sent or given up: without the share link's token, so that, as for every
 * token, only its hash is kept (the link itself keeps working until it expires).
 */
export function withoutShareToken(payloadJson: string): string {
  try {
    const { share_token: _token, ...rest } = JSON.parse(payloadJson) as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return payloadJson;
  }
}

export type ReportLoad = Result<TrackingReport, Unrenderable>;

/**
 * Loads the report for the account that owns the outbox row. A video of another account is "not found":
 * an email never tells one account about another's data.
 */
export async function loadTrackingReport(
  ex: Executor,
  accountId: string,
  payload: TrackingEmailPayload,
): Promise<ReportLoad> {
  const account = await findAccount(ex, accountId);
  if (!account) return unrenderable(`account ${accountId} not found`);
  const video = await findVideo(ex, payload.videoId);
  if (!video || video.account_id !== accountId) return unrenderable(`video ${payload.videoId} not found`);
  const [first] = await listSnapshots(ex, { video, limit: 1 });
  const newest = (await latestSnapshots(ex, [video])).get(video.id);
  const firstSnapshot = first ?? null;
  const finalSnapshot = newest ?? null;
  return ok({
    event: payload.event,
    share: payload.share,
    recipient: account.email,
    video,
    firstSnapshot,
    finalSnapshot,
    metrics: firstSnapshot && finalSnapshot ? summarise(firstSnapshot, finalSnapshot) : [],
  });
}

function summarise(first: SnapshotRow, final: SnapshotRow): MetricSummary[] {
  return METRICS.map((metric) => {
    const start = parseCount(first[metric]);
    const end = parseCount(final[metric]);
    return { metric, start, final: end, growth: start !== null && end !== null ? end - start : null };
  });
}
