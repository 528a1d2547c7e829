// Fills a database with many live videos whose next slot is due now, written exactly as a real track leaves
// them: slot 0 stored and charged, the rest of the window reserved, ledger and running totals in step.
// Dialect-neutral (Kysely, multi-row inserts): this is set-up, not the thing tested.

import type { Insertable } from 'kysely';
import { tiktokCanonicalUrl } from '../../src/platforms/tiktok/url.ts';
import { newLedgerEntryIds } from '../../src/store/ledger.ts';
import type { LedgerEntriesTable, UnkeyedVideoRow } from '../../src/store/schema.ts';
import { insertFirstSnapshots, type NewSnapshot } from '../../src/store/snapshots.ts';
import type { Executor } from '../../src/store/transaction.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { insertVideos } from '../../src/store/videos.ts';

export interface DueVideosSeed {
  /** How many live TikTok videos to create. */
  videos: number;
  /** Their slot 1 is due at this time (slot 0 was taken one interval earlier). */
  dueAt: number;
  intervalSeconds: number;
  durationDays: number;
  costMicroUsd: number;
  /** The TikTok video id of the i-th video. */
  platformVideoId(i: number): string;
  /** Credit beyond what the reservations need. */
  spareMicroUsd?: number;
}

const ROWS_PER_INSERT = 400;

export async function seedDueLiveVideos(
  store: Executor,
  seed: DueVideosSeed,
): Promise<{ accountId: string }> {
  const accountId = `acc_crash${seed.dueAt}`;
  const totalSlots = seed.durationDays * 24;
  const createdAt = seed.dueAt - seed.intervalSeconds * 1000;
  const reservePerVideo = totalSlots * seed.costMicroUsd;
  const credit = seed.videos * reservePerVideo + (seed.spareMicroUsd ?? 1_000_000);

  const videos: UnkeyedVideoRow[] = [];
  const ledger: Insertable<LedgerEntriesTable>[] = [
    {
      account_id: accountId,
      kind: 'credit',
      balance_delta_micro_usd: credit,
      reserved_delta_micro_usd: 0,
      created_at: createdAt,
    },
  ];
  for (let i = 0; i < seed.videos; i++) {
    const id = `vid_crash${String(i).padStart(8, '0')}`;
    const videoId = seed.platformVideoId(i);
    const link = tiktokCanonicalUrl(videoId);
    videos.push({
      id,
      job_id: `job_crash${i}`,
      account_id: accountId,
      mode: 'live',
      platform: 'tiktok',
      platform_video_id: videoId,
      video_link: link,
      canonical_url: link,
      // As if the first page carried no metadata: the first collection fills it in.
      title: null,
      creator: null,
      description: null,
      status: 'monitoring',
      is_deleted: 0,
      error_reason: null,
      duration_days: seed.durationDays,
      interval_seconds: seed.intervalSeconds,
      total_slots: totalSlots,
      cost_per_snapshot_micro_usd: seed.costMicroUsd,
      reserved_micro_usd: reservePerVideo - seed.costMicroUsd,
      next_slot: 1,
      next_due_at: seed.dueAt,
      attempts: 0,
      snapshots_collected: 1,
      snapshots_missed: 0,
      charged_micro_usd: seed.costMicroUsd,
      created_at: createdAt,
      last_updated_at: createdAt,
      ended_at: null,
      metadata: '{}',
      tags: '[]',
    });
    ledger.push({
      account_id: accountId,
      video_id: id,
      kind: 'reserve',
      balance_delta_micro_usd: 0,
      reserved_delta_micro_usd: reservePerVideo,
      created_at: createdAt,
    });
  }

  await writeTransaction(store, async (tx) => {
    await tx.db
      .insertInto('accounts')
      .values({
        id: accountId,
        email: `${accountId}@example.com`,
        plan: 'enterprise',
        rate_limit_per_minute: null,
        max_active_videos: seed.videos + 10,
        disabled: 0,
        balance_micro_usd: credit - seed.videos * seed.costMicroUsd,
        reserved_micro_usd: seed.videos * (reservePerVideo - seed.costMicroUsd),
        created_at: createdAt,
      })
      .execute();
    // The running totals GET /usage reads, as the track path would have left them.
    await tx.db
      .insertInto('account_usage')
      .values({
        account_id: accountId,
        mode: 'live',
        active_videos: seed.videos,
        snapshots_collected: seed.videos,
        charged_micro_usd: seed.videos * seed.costMicroUsd,
      })
      .execute();
    // In slices: one statement's parameters are limited (PostgreSQL: 65,535).
    const stored = [];
    for (let i = 0; i < videos.length; i += ROWS_PER_INSERT)
      stored.push(...(await insertVideos(tx, videos.slice(i, i + ROWS_PER_INSERT))));
    for (let i = 0; i < ledger.length; i += ROWS_PER_INSERT)
      await tx.db
        .insertInto('ledger_entries')
        .values(ledger.slice(i, i + ROWS_PER_INSERT))
        .execute();
    // Slot 0 of every video, charged by one batch_charge (as one track write of them all would).
    const [chargeId] = await newLedgerEntryIds(tx, 1);
    const snapshots: NewSnapshot[] = stored.map((video) => ({
      videoKey: video.video_key,
      slot: 0,
      takenAt: createdAt,
      missed: false,
      views: 1000n,
      likes: 100n,
      comments: 10n,
      shares: 1n,
      saves: 1n,
      provider: 'tiktok-web',
      approximate: false,
      chargedMicroUsd: seed.costMicroUsd,
      ledgerEntryId: chargeId!,
    }));
    for (let i = 0; i < snapshots.length; i += ROWS_PER_INSERT)
      await insertFirstSnapshots(tx, snapshots.slice(i, i + ROWS_PER_INSERT));
    await tx.db
      .insertInto('ledger_entries')
      .values({
        id: chargeId!,
        account_id: accountId,
        kind: 'batch_charge',
        balance_delta_micro_usd: -seed.videos * seed.costMicroUsd,
        reserved_delta_micro_usd: -seed.videos * seed.costMicroUsd,
        created_at: createdAt,
      })
      .execute();
  });
  return { accountId };
}
