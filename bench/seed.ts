// Fills a database with tracked videos quickly (raw prepared statements: this is set-up, not the thing measured).
import Database from 'better-sqlite3';
import { simulatedMetadata } from '../src/platforms/simulator/simulator.ts';
import type { PlatformName, VideoMetadata } from '../src/platforms/types.ts';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';

export interface SeedOptions {
  path: string;
  videos: number;
  /** How many of them have slot 1 due at `dueAt` (the rest are due an hour later). */
  due: number;
  dueAt: number;
  mode: 'live' | 'test';
  costMicroUsd?: number;
  /** Seconds between slots (default an hour). */
  intervalSeconds?: number;
  /** Slots per tracking (default 168). */
  slots?: number;
  /**
   * Each video's platform, id, address and stored metadata (default: TikTok ids the simulator answers for, with
   * the simulator's metadata).
   */
  video?: (index: number) => SeededVideo;
  /** When video `index`'s slot 1 falls due (default: `dueAt` for the first `due` videos, an interval later for the rest). */
  slotOneDueAt?: (index: number) => number;
}

export interface SeededVideo {
  platform: PlatformName;
  videoId: string;
  link: string;
  canonicalUrl: string;
  /** As after a first snapshot, so recording does not rewrite it. */
  metadata: VideoMetadata;
}

/** A TikTok video the simulator answers for, with the simulator's metadata. */
function simulatedTikTokVideo(index: number): SeededVideo {
  // Ends in 7: no simulator magic ending (…4040, …4031, …) ends that way, so every video answers normally.
  const videoId = `73${String(index).padStart(16, '0')}7`;
  const link = `https://www.tiktok.com/@_/video/${videoId}`;
  return {
    platform: 'tiktok',
    videoId,
    link,
    canonicalUrl: link,
    metadata: simulatedMetadata('tiktok', videoId),
  };
}

export async function seedVideos(options: SeedOptions): Promise<{ accountId: string }> {
  const store = openStore(`sqlite:${options.path}`);
  const migrated = await migrateToLatest(store);
  if (!migrated.ok) throw new Error(migrated.error.message);
  await store.close();

  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const cost = options.costMicroUsd ?? 15_000;
  const interval = options.intervalSeconds ?? 3600;
  const slots = options.slots ?? 168;
  const videoAt = options.video ?? simulatedTikTokVideo;
  const slotOneDueAt =
    options.slotOneDueAt ??
    ((index: number) => (index < options.due ? options.dueAt : options.dueAt + interval * 1000));
  const accountId = 'acc_bench';
  const reservedPerVideo = options.mode === 'live' ? (slots - 1) * cost : 0;
  const reservedTotal = reservedPerVideo * options.videos;
  db.prepare(
    `insert into accounts (id, email, plan, disabled, balance_micro_usd, reserved_micro_usd, created_at, max_active_videos)
     values (?, ?, 'enterprise', 0, ?, 0, ?, 100000000)`,
  ).run(accountId, 'bench@example.com', reservedTotal + 1_000_000_000, options.dueAt);
  db.prepare(
    `insert into account_usage (account_id, mode, active_videos, snapshots_collected, charged_micro_usd)
     values (?, ?, ?, 0, 0)`,
  ).run(accountId, options.mode, options.videos);
  const insertVideo =
    db.prepare(`insert into videos (id, video_key, job_id, account_id, mode, platform, platform_video_id, video_link,
      canonical_url, title, creator, description, status, is_deleted, error_reason, duration_days, interval_seconds, total_slots,
      cost_per_snapshot_micro_usd, reserved_micro_usd, next_slot, next_due_at, attempts, snapshots_collected, snapshots_missed,
      created_at, last_updated_at, ended_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'monitoring', 0, null, 7, ?, ?, ?, ?, 1, ?, 0, 0, 0, ?, ?, null)`);
  const insertLedger =
    db.prepare(`insert into ledger_entries (account_id, video_id, snapshot_id, kind, balance_delta_micro_usd,
      reserved_delta_micro_usd, note, created_at) values (?, ?, null, ?, ?, ?, null, ?)`);
  const fill = db.transaction(() => {
    insertLedger.run(accountId, null, 'credit', reservedTotal + 1_000_000_000, 0, options.dueAt);
    for (let i = 0; i < options.videos; i++) {
      const id = `vid_bench${String(i).padStart(12, '0')}`;
      const { platform, videoId, link, canonicalUrl, metadata: meta } = videoAt(i);
      const createdAt = slotOneDueAt(i) - interval * 1000;
      insertVideo.run(
        id,
        i + 1,
        `job_bench${i}`,
        accountId,
        options.mode,
        platform,
        videoId,
        link,
        canonicalUrl,
        meta.title,
        meta.creator,
        meta.description,
        interval,
        slots,
        cost,
        reservedPerVideo,
        createdAt + interval * 1000,
        createdAt,
        createdAt,
      );
      if (reservedPerVideo > 0) insertLedger.run(accountId, id, 'reserve', 0, reservedPerVideo, createdAt);
    }
    db.prepare('update accounts set reserved_micro_usd = ? where id = ?').run(reservedTotal, accountId);
  });
  fill();
  db.close();
  return { accountId };
}
