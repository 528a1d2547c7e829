// Trackings written straight into the database as the engine leaves them (finished, or paused): a video row, its
// collected and missed snapshots, and the account's usage totals. The dashboard test uses them for what takes
// too long to collect for real (720 hourly snapshots, 500 videos) and for titles no simulator gives.
import { newTimeOrderedId } from '../../src/ids.ts';
import { tiktokCanonicalUrl } from '../../src/platforms/tiktok/url.ts';
import type { Mode, UnkeyedVideoRow } from '../../src/store/schema.ts';
import { insertFirstSnapshots, missedSnapshot, type NewSnapshot } from '../../src/store/snapshots.ts';
import { indexVideoTags } from '../../src/store/tags.ts';
import type { Executor } from '../../src/store/transaction.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { addUsage } from '../../src/store/usage.ts';
import { insertVideos } from '../../src/store/videos.ts';

const HOUR_MS = 3_600_000;
const ROWS_PER_INSERT = 200;

export interface SeededVideo {
  /** Index, for distinct ids and links. */
  n: number;
  title: string;
  creator?: string;
  /** Slots, all settled: every `missedEvery`-th is missed, every `approximateEvery`-th approximate. */
  slots: number;
  missedEvery?: number;
  approximateEvery?: number;
  /** Every slot missed (a live video with a collected snapshot would need its charge in the ledger). */
  allMissed?: boolean;
  /** When slot 0 was taken; slots are an hour apart. */
  startedAt: number;
  /** `test` unless said; a live one is seeded with nothing collected, so nothing to charge. */
  mode?: Mode;
  /** `completed` unless said; a paused one holds no reservation and has `durationDays` × 24 slots. */
  status?: 'completed' | 'paused';
  durationDays?: number;
  /** Tags, as given (indexed for the tag filter and the campaigns). */
  tags?: string[];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** TikTok trackings of `accountId` (completed test-mode ones unless said); returns their ids in the order given. */
export async function seedCompletedVideos(
  store: Executor,
  accountId: string,
  seeds: readonly SeededVideo[],
): Promise<string[]> {
  const videos: UnkeyedVideoRow[] = [];
  // Until the videos are stored and keyed, each snapshot's videoKey is its video's index in `videos`.
  const snapshots: NewSnapshot[] = [];
  const collectedTotal: Record<Mode, number> = { live: 0, test: 0 };
  for (const seed of seeds) {
    const mode = seed.mode ?? 'test';
    const paused = seed.status === 'paused';
    if (mode === 'live' && !seed.allMissed) throw new Error('a live seed is all missed: nothing to charge');
    const id = newTimeOrderedId('vid', seed.startedAt + seed.n);
    const platformVideoId = String(7_400_000_000_000_000_000n + BigInt(seed.n));
    let collected = 0;
    let missed = 0;
    for (let slot = 0; slot < seed.slots; slot++) {
      const takenAt = seed.startedAt + slot * HOUR_MS;
      if (seed.allMissed || (seed.missedEvery && slot > 0 && slot % seed.missedEvery === 0)) {
        snapshots.push(missedSnapshot(videos.length, slot, takenAt));
        missed++;
        continue;
      }
      collected++;
      // A growth curve that flattens: fast at first, then a few views an hour.
      const views = BigInt(Math.round(1000 + 250_000 * (1 - Math.exp(-slot / 90)) + slot * 12 + seed.n));
      snapshots.push({
        videoKey: videos.length,
        slot,
        takenAt,
        missed: false,
        views,
        likes: views / 12n,
        comments: views / 150n,
        shares: views / 400n,
        saves: views / 500n,
        provider: 'simulator',
        approximate: Boolean(seed.approximateEvery && slot % seed.approximateEvery === 0),
        chargedMicroUsd: 0,
        ledgerEntryId: null,
      });
    }
    collectedTotal[mode] += collected;
    const endedAt = seed.startedAt + seed.slots * HOUR_MS;
    const durationDays = seed.durationDays ?? Math.max(1, Math.ceil(seed.slots / 24));
    videos.push({
      id,
      job_id: newTimeOrderedId('job', seed.startedAt + seed.n),
      account_id: accountId,
      mode,
      platform: 'tiktok',
      platform_video_id: platformVideoId,
      video_link: tiktokCanonicalUrl(platformVideoId),
      canonical_url: tiktokCanonicalUrl(platformVideoId),
      title: seed.title,
      creator: seed.creator ?? 'seeded.creator',
      description: null,
      status: paused ? 'paused' : 'completed',
      is_deleted: 0,
      error_reason: null,
      duration_days: durationDays,
      interval_seconds: 3600,
      total_slots: paused ? durationDays * 24 : seed.slots,
      cost_per_snapshot_micro_usd: 15_000,
      reserved_micro_usd: 0,
      next_slot: seed.slots,
      next_due_at: null,
      attempts: 0,
      snapshots_collected: collected,
      snapshots_missed: missed,
      charged_micro_usd: 0,
      created_at: seed.startedAt + seed.n,
      last_updated_at: endedAt,
      ended_at: paused ? null : endedAt,
      metadata: '{}',
      tags: JSON.stringify(seed.tags ?? []),
    });
  }
  await writeTransaction(store, async (tx) => {
    const keys: number[] = [];
    for (const part of chunks(videos, ROWS_PER_INSERT)) {
      const inserted = await insertVideos(tx, part);
      await indexVideoTags(tx, inserted);
      for (const video of inserted) keys.push(video.video_key);
    }
    const keyed = snapshots.map((s) => ({ ...s, videoKey: keys[s.videoKey]! }));
    for (const part of chunks(keyed, ROWS_PER_INSERT)) await insertFirstSnapshots(tx, part);
    for (const mode of ['live', 'test'] as const) {
      if (collectedTotal[mode] > 0) {
        await addUsage(tx, accountId, mode, { snapshotsCollected: collectedTotal[mode] });
      }
    }
  });
  return videos.map((video) => video.id);
}
