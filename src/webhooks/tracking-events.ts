// The events of a tracking's life, written by tracking/ inside the transaction that makes the change:
// snapshot.created and video.milestone for stored snapshots, snapshot.missed, tracking.completed / error /
// paused. Each first asks which endpoints listen (one indexed query) and does nothing more when none do.
import { newTimeOrderedId } from '../ids.ts';
import { presentSnapshot, presentVideoListItem } from '../presentation/video.ts';
import type { VideoRow } from '../store/schema.ts';
import {
  collectedSnapshotBefore,
  latestSnapshot,
  type SnapshotOwner,
  type SnapshotRow,
} from '../store/snapshots.ts';
import type { Tx } from '../store/transaction.ts';
import type { RecordingVideo } from '../store/videos.ts';
import { insertPendingSnapshots, recordMilestones, videoRowsById } from '../store/webhooks.ts';
import { MILESTONE_METRICS, MILESTONE_THRESHOLDS } from './event-types.ts';
import { deferredSnapshotData, snapshotEventData } from './snapshot-payload.ts';
import { loadSubscriptions, type WebhookEvent, writeEvents } from './write-events.ts';

type Owner = Pick<VideoRow, 'id' | 'account_id' | 'mode'>;

export interface StoredSnapshot {
  /** The video as read for recording, before this snapshot advanced it. */
  video: RecordingVideo;
  snapshot: SnapshotRow;
  /** The metadata the video has after this observation. */
  title: string | null;
  creator: string | null;
}

/**
 * snapshot.created for each snapshot this transaction stored, and video.milestone for each views or likes
 * threshold a video reached for the first time (crossed since its previous collected snapshot). Call it after
 * the videos were advanced, so `data.video` shows them as the API now would.
 */
export async function announceStoredSnapshots(
  tx: Tx,
  stored: readonly StoredSnapshot[],
  now: number,
): Promise<void> {
  if (stored.length === 0) return;
  const subscriptions = await loadSubscriptions(
    tx,
    stored.map((s) => s.video.account_id),
  );
  if (subscriptions.empty) return;
  const listens = (video: Owner, type: 'snapshot.created' | 'video.milestone') =>
    subscriptions.endpointsFor(video.account_id, video.mode, type).length > 0;
  const events: WebhookEvent[] = [];
  // snapshot.created: one row per account and mode for the whole batch (expand-pending-snapshots.ts), from
  // what recording already holds: no read, a few dozen bytes per snapshot.
  const created = new Map<string, { accountId: string; mode: VideoRow['mode']; items: string[] }>();
  for (const item of stored) {
    if (!listens(item.video, 'snapshot.created')) continue;
    const key = `${item.video.account_id}\u0000${item.video.mode}`;
    let group = created.get(key);
    if (!group) {
      group = { accountId: item.video.account_id, mode: item.video.mode, items: [] };
      created.set(key, group);
    }
    group.items.push(deferredSnapshotData(item));
  }
  for (const group of created.values()) {
    await insertPendingSnapshots(tx, {
      id: newTimeOrderedId('wps', now),
      account_id: group.accountId,
      mode: group.mode,
      endpoint_ids: JSON.stringify(
        subscriptions.endpointsFor(group.accountId, group.mode, 'snapshot.created'),
      ),
      // Each item is already JSON: the array is joined, not stringified again.
      items: `[${group.items.join(',')}]`,
      created_at: now,
    });
  }
  // video.milestone (rare): the whole video as the API now shows it.
  const milestones = stored.filter(({ video }) => listens(video, 'video.milestone'));
  const videos = await videoRowsById(
    tx,
    milestones.map((s) => s.video.id),
  );
  for (const { video: owner, snapshot } of milestones) {
    const video = videos.get(owner.id);
    if (!video) continue;
    for (const milestone of await firstReachedMilestones(tx, video, snapshot, now)) {
      events.push({
        accountId: video.account_id,
        mode: video.mode,
        type: 'video.milestone',
        at: now,
        data: { ...milestone, ...snapshotEventData(video, snapshot) },
      });
    }
  }
  await writeEvents(tx, subscriptions, events);
}

/**
 * The thresholds a snapshot's views and likes crossed since the video's previous collected snapshot, not
 * reached before (a count that dips and climbs again is not announced twice). A video's first snapshot is its
 * baseline: what it had when tracking began was not reached while tracked.
 */
async function firstReachedMilestones(
  tx: Tx,
  video: SnapshotOwner,
  snapshot: SnapshotRow,
  now: number,
): Promise<{ metric: string; threshold: number; value: string }[]> {
  const previous = await collectedSnapshotBefore(tx, video, snapshot.slot);
  if (!previous) return [];
  const crossed: { videoId: string; metric: string; threshold: number; at: number; value: string }[] = [];
  for (const metric of MILESTONE_METRICS) {
    const value = snapshot[metric];
    const before = previous[metric];
    if (value === null || before === null) continue;
    for (const threshold of MILESTONE_THRESHOLDS) {
      if (BigInt(before) < BigInt(threshold) && BigInt(value) >= BigInt(threshold)) {
        crossed.push({ videoId: snapshot.video_id, metric, threshold, at: now, value });
      }
    }
  }
  const first = await recordMilestones(tx, crossed);
  return crossed
    .filter((c) => first.has(`${c.videoId}/${c.metric}/${c.threshold}`))
    .map(({ metric, threshold, value }) => ({ metric, threshold, value }));
}

/** snapshot.missed for each slot this transaction recorded as missed. `video` is the row as it now is. */
export async function announceMissedSnapshots(
  tx: Tx,
  video: VideoRow,
  missed: readonly SnapshotRow[],
  now: number,
): Promise<void> {
  if (missed.length === 0) return;
  const subscriptions = await loadSubscriptions(tx, [video.account_id]);
  if (subscriptions.endpointsFor(video.account_id, video.mode, 'snapshot.missed').length === 0) return;
  const latest = await latestSnapshot(tx, video);
  await writeEvents(
    tx,
    subscriptions,
    missed.map((snapshot) => ({
      accountId: video.account_id,
      mode: video.mode,
      type: 'snapshot.missed' as const,
      at: now,
      data: { video: presentVideoListItem(video, latest), snapshot: presentSnapshot(video, snapshot) },
    })),
  );
}

const ENDING_EVENTS = {
  completed: 'tracking.completed',
  error: 'tracking.error',
  paused: 'tracking.paused',
} as const;

/** tracking.completed, tracking.error or tracking.paused (a cancel by the operator announces nothing). */
export async function announceTrackingEnded(tx: Tx, video: VideoRow, now: number): Promise<void> {
  if (!(video.status in ENDING_EVENTS)) return;
  const type = ENDING_EVENTS[video.status as keyof typeof ENDING_EVENTS];
  const subscriptions = await loadSubscriptions(tx, [video.account_id]);
  if (subscriptions.endpointsFor(video.account_id, video.mode, type).length === 0) return;
  const latest = await latestSnapshot(tx, video);
  await writeEvents(tx, subscriptions, [
    {
      accountId: video.account_id,
      mode: video.mode,
      type,
      at: now,
      data: { video: presentVideoListItem(video, latest) },
    },
  ]);
}
