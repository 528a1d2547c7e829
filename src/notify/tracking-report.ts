// What an ended tracking's email says, read from the database at send time: the video as it ended, its first
// and newest collected snapshots, and the growth between them. Reading late (not when the row was queued)
// means a retried email still shows the final state.
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
  recipient: string;
  video: VideoRow;
  firstSnapshot: SnapshotRow | null;
  finalSnapshot: SnapshotRow | null;
  /** Empty when no snapshot was ever collected. */
  metrics: MetricSummary[];
}

export type PayloadParse = { ok: true; payload: TrackingEmailPayload } | { ok: false; error: string };

export function parseTrackingEmailPayload(payloadJson: string): PayloadParse {
  let value: unknown;
  try {
    value = JSON.parse(payloadJson);
  } catch {
    return { ok: false, error: 'payload is not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, error: 'payload is not an object' };
  const { event, video_id: videoId } = value as { event?: unknown; video_id?: unknown };
  if (!TRACKING_EVENTS.some((known) => known === event))
    return { ok: false, error: `unknown event ${String(event)}` };
  if (typeof videoId !== 'string' || videoId === '') return { ok: false, error: 'payload has no video_id' };
  return { ok: true, payload: { event: event as TrackingEvent, videoId } };
}

export type ReportLoad = { ok: true; report: TrackingReport } | { ok: false; error: string };

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
  if (!account) return { ok: false, error: `account ${accountId} not found` };
  const video = await findVideo(ex, payload.videoId);
  if (!video || video.account_id !== accountId)
    return { ok: false, error: `video ${payload.videoId} not found` };
  const [first] = await listSnapshots(ex, { videoId: video.id, limit: 1 });
  const newest = (await latestSnapshots(ex, [video.id])).get(video.id);
  const firstSnapshot = first ?? null;
  const finalSnapshot = newest ?? null;
  return {
    ok: true,
    report: {
      event: payload.event,
      recipient: account.email,
      video,
      firstSnapshot,
      finalSnapshot,
      metrics: firstSnapshot && finalSnapshot ? summarise(firstSnapshot, finalSnapshot) : [],
    },
  };
}

function summarise(first: SnapshotRow, final: SnapshotRow): MetricSummary[] {
  return METRICS.map((metric) => {
    const start = parseCount(first[metric]);
    const end = parseCount(final[metric]);
    return { metric, start, final: end, growth: start !== null && end !== null ? end - start : null };
  });
}
