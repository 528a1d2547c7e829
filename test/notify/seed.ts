// Seeds an ended tracking straight into the tables (account, video, snapshots) and queues its email the way
// tracking/end-or-pause.ts does, through enqueueOutbox.
import { newId } from '../../src/ids.ts';
import { enqueueOutbox } from '../../src/store/outbox.ts';
import type { UnkeyedVideoRow, VideoRow } from '../../src/store/schema.ts';
import { insertSnapshotOnce } from '../../src/store/snapshots.ts';
import { type Executor, writeTransaction } from '../../src/store/transaction.ts';
import { findVideo, insertVideos } from '../../src/store/videos.ts';

export const TRACKING_START = Date.parse('2024-01-29T10:00:00.000Z');
const HOUR_MS = 3_600_000;

export async function seedAccount(ex: Executor, email = `${newId('user').toLowerCase()}@example.com`) {
  const id = newId('acc');
  await ex.db
    .insertInto('accounts')
    .values({
      id,
      email,
      plan: 'free',
      rate_limit_per_minute: null,
      max_active_videos: null,
      disabled: 0,
      balance_micro_usd: 0,
      reserved_micro_usd: 0,
      created_at: TRACKING_START - HOUR_MS,
    })
    .execute();
  return { id, email };
}

export interface SeedSnapshot {
  slot: number;
  missed?: boolean;
  views?: bigint | null;
  likes?: bigint | null;
  comments?: bigint | null;
  shares?: bigint | null;
  saves?: bigint | null;
}

/** A tracking of one day (24 hourly slots) that ended; override any column. */
export async function seedEndedVideo(
  ex: Executor,
  accountId: string,
  options: { video?: Partial<UnkeyedVideoRow>; snapshots: SeedSnapshot[] },
): Promise<VideoRow> {
  const id = newId('vid');
  const platformVideoId = '7301234567890123456';
  const collected = options.snapshots.filter((s) => !s.missed).length;
  const unkeyed: UnkeyedVideoRow = {
    id,
    job_id: newId('job'),
    account_id: accountId,
    mode: 'live',
    platform: 'tiktok',
    platform_video_id: platformVideoId,
    video_link: `https://www.tiktok.com/@someone/video/${platformVideoId}`,
    canonical_url: `https://www.tiktok.com/@_/video/${platformVideoId}`,
    title: 'Morning routine',
    creator: 'someone',
    description: null,
    status: 'completed',
    is_deleted: 0,
    error_reason: null,
    duration_days: 1,
    interval_seconds: 3600,
    total_slots: 24,
    cost_per_snapshot_micro_usd: 15_000,
    reserved_micro_usd: 0,
    next_slot: 24,
    next_due_at: null,
    attempts: 0,
    snapshots_collected: collected,
    snapshots_missed: options.snapshots.length - collected,
    charged_micro_usd: 0,
    created_at: TRACKING_START,
    last_updated_at: TRACKING_START + 24 * HOUR_MS,
    ended_at: TRACKING_START + 24 * HOUR_MS,
    metadata: '{}',
    tags: '[]',
    ...options.video,
  };
  // One transaction for all of them, not a commit per snapshot (24 per seeded tracking, 288 in one test).
  await writeTransaction(ex, async (tx) => {
    const [stored] = await insertVideos(tx, [unkeyed]);
    for (const s of options.snapshots) {
      await insertSnapshotOnce(tx, {
        videoKey: stored!.video_key,
        slot: s.slot,
        takenAt: TRACKING_START + s.slot * HOUR_MS,
        missed: s.missed ?? false,
        views: s.missed ? null : (s.views ?? null),
        likes: s.missed ? null : (s.likes ?? null),
        comments: s.missed ? null : (s.comments ?? null),
        shares: s.missed ? null : (s.shares ?? null),
        saves: s.missed ? null : (s.saves ?? null),
        provider: s.missed ? null : 'tiktok-web',
        approximate: false,
        chargedMicroUsd: 0,
        ledgerEntryId: null,
      });
    }
  });
  const video = await findVideo(ex, id);
  if (!video) throw new Error('seeded video not found');
  return video;
}

export async function queueTrackingEmail(
  ex: Executor,
  video: VideoRow,
  at: number,
  event: 'tracking.completed' | 'tracking.error' = video.status === 'error'
    ? 'tracking.error'
    : 'tracking.completed',
): Promise<void> {
  await writeTransaction(ex, (tx) =>
    enqueueOutbox(tx, {
      kind: 'email',
      accountId: video.account_id,
      payload: { event, video_id: video.id },
      at,
    }),
  );
}

/** A typical completed TikTok tracking: 23 of 24 slots collected, one missed. */
export async function seedCompletedTracking(
  ex: Executor,
  email?: string,
  video: Partial<UnkeyedVideoRow> = {},
) {
  const account = await seedAccount(ex, email);
  const snapshots: SeedSnapshot[] = [];
  for (let slot = 0; slot < 24; slot++) {
    if (slot === 5) {
      snapshots.push({ slot, missed: true });
      continue;
    }
    const n = BigInt(slot);
    snapshots.push({
      slot,
      views: 1_000_000n + n * 50_000n,
      likes: 20_000n + n * 1_000n,
      comments: 300n + n * 10n,
      shares: 40n + n,
      saves: 500n + n * 20n,
    });
  }
  const seeded = await seedEndedVideo(ex, account.id, { video, snapshots });
  await queueTrackingEmail(ex, seeded, seeded.ended_at ?? TRACKING_START);
  return { account, video: seeded };
}
