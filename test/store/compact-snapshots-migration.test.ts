// Migration 010 rebuilds the snapshots in place. A database made by the schema before it (009), filled through
// that schema's tables as the previous version filled them — live and test videos, collected, missed and
// approximate snapshots, a per-snapshot `charge` in the ledger for each live one, running totals, tags, a
// recorded batch of snapshot.created not yet expanded — must answer every public read the same afterwards:
// the video with its snapshots and their ids, the snapshot pages, /usage, the exports, the tag roll-up and the
// webhook payloads; the invariants hold, and recording goes on, charged through batch entries.
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/accounts.ts';
import { TestClock } from '../../src/clock.ts';
import type { ServiceParts } from '../../src/compose.ts';
import { testConfig } from '../../src/config.ts';
import { iso } from '../../src/presentation/iso-time.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { lockVideo } from '../../src/store/videos.ts';
import { recordObservation } from '../../src/tracking/record-observations.ts';
import { renderDeferredPayload } from '../../src/webhooks/snapshot-payload.ts';
import { readyService } from '../support/api.ts';
import { parseCsv } from '../support/csv.ts';
import { expectInvariants } from '../support/invariants.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 5, 10, 9, 0, 0, 0);
const COST = 15_000;
const ACCOUNT = 'acc_before010';

/** The tables as 009 left them (the columns this test writes). */
type OldDb = Kysely<Record<string, Record<string, unknown>>>;

interface OldSnapshot {
  id: string;
  slot: number;
  /** Milliseconds after the slot was due. */
  late: number;
  missed?: boolean;
  approximate?: boolean;
  provider?: string;
  views?: string | null;
  likes?: string | null;
  comments?: string | null;
  shares?: string | null;
  saves?: string | null;
}

interface OldVideo {
  id: string;
  mode: 'live' | 'test';
  platform: 'tiktok' | 'youtube';
  status: 'monitoring' | 'completed';
  totalSlots: number;
  createdAt: number;
  tags: string[];
  snapshots: OldSnapshot[];
}

const big = '9007199254740993'; // 2^53 + 1: must come back exact
const VIDEOS: OldVideo[] = [
  {
    id: 'vid_old_tiktok',
    mode: 'live',
    platform: 'tiktok',
    status: 'completed',
    totalSlots: 5,
    createdAt: START,
    tags: ['Spring'],
    snapshots: [
      {
        id: 'snp_0Ab1old000000000000001',
        slot: 0,
        late: 0,
        views: '1000',
        likes: '10',
        comments: '1',
        shares: '0',
        saves: '2',
      },
      {
        id: 'snp_0Ab1old000000000000002',
        slot: 1,
        late: 1_234,
        views: '1500',
        likes: '12',
        comments: '1',
        shares: '1',
        saves: '2',
      },
      { id: 'snp_0Ab1old000000000000003', slot: 2, late: 3_599_000, missed: true },
      {
        id: 'snp_0Ab1old000000000000004',
        slot: 3,
        late: 17,
        approximate: true,
        views: '2500000',
        likes: '3000',
        comments: '2',
        shares: '5',
        saves: '3',
      },
      {
        id: 'snp_0Ab1old000000000000005',
        slot: 4,
        late: 999,
        views: big,
        likes: '3100',
        comments: '2',
        shares: '6',
        saves: '3',
      },
    ],
  },
  {
    id: 'vid_old_youtube',
    mode: 'live',
    platform: 'youtube',
    status: 'monitoring',
    totalSlots: 24,
    createdAt: START + 60_000,
    tags: ['Spring', 'Launch'],
    snapshots: [
      {
        id: 'snp_0Ab1old000000000000006',
        slot: 0,
        late: 0,
        provider: 'youtube-data-api',
        views: '700',
        likes: '7',
        comments: null,
        shares: null,
        saves: null,
      },
      {
        id: 'snp_0Ab1old000000000000007',
        slot: 1,
        late: 45_000,
        provider: 'youtube-web',
        views: '900',
        likes: '9',
        comments: '3',
        shares: null,
        saves: null,
      },
    ],
  },
  {
    id: 'vid_old_test',
    mode: 'test',
    platform: 'tiktok',
    status: 'monitoring',
    totalSlots: 24,
    createdAt: START + 120_000,
    tags: [],
    snapshots: [
      {
        id: 'snp_0Ab1old000000000000008',
        slot: 0,
        late: 0,
        provider: 'simulator',
        views: '5',
        likes: '1',
        comments: '0',
        shares: '0',
        saves: '0',
      },
      { id: 'snp_0Ab1old000000000000009', slot: 1, late: 2_000, missed: true },
    ],
  },
];

const takenAt = (video: OldVideo, s: OldSnapshot) => video.createdAt + s.slot * HOUR + s.late;
const collected = (video: OldVideo) => video.snapshots.filter((s) => !s.missed);
const charged = (video: OldVideo) => (video.mode === 'live' ? collected(video).length * COST : 0);
const reservedOf = (video: OldVideo) =>
  video.mode === 'live' && video.status === 'monitoring'
    ? (video.totalSlots - collected(video).length) * COST
    : 0;

/** Fills the 009 tables as the previous version would have. */
async function seedBefore(db: OldDb): Promise<void> {
  const credit = 10_000_000;
  const totalCharged = VIDEOS.reduce((sum, v) => sum + charged(v), 0);
  const totalReserved = VIDEOS.reduce((sum, v) => sum + reservedOf(v), 0);
  await db
    .insertInto('accounts')
    .values({
      id: ACCOUNT,
      email: 'before010@example.com',
      plan: 'enterprise',
      disabled: 0,
      balance_micro_usd: credit - totalCharged,
      reserved_micro_usd: totalReserved,
      created_at: START - HOUR,
    })
    .execute();
  const ledger: Record<string, unknown>[] = [
    {
      account_id: ACCOUNT,
      kind: 'credit',
      balance_delta_micro_usd: credit,
      reserved_delta_micro_usd: 0,
      created_at: START - HOUR,
    },
  ];
  for (const video of VIDEOS) {
    const nextSlot = video.snapshots.length;
    await db
      .insertInto('videos')
      .values({
        id: video.id,
        job_id: `job_${video.id.slice(4)}`,
        account_id: ACCOUNT,
        mode: video.mode,
        platform: video.platform,
        platform_video_id: video.id,
        video_link: `https://example.com/${video.id}`,
        canonical_url: `https://example.com/${video.id}`,
        title: `Title of ${video.id}`,
        creator: 'someone',
        status: video.status,
        is_deleted: 0,
        duration_days: Math.max(1, video.totalSlots / 24),
        interval_seconds: 3600,
        total_slots: video.totalSlots,
        cost_per_snapshot_micro_usd: COST,
        reserved_micro_usd: reservedOf(video),
        next_slot: nextSlot,
        next_due_at: video.status === 'monitoring' ? video.createdAt + nextSlot * HOUR : null,
        attempts: 0,
        snapshots_collected: collected(video).length,
        snapshots_missed: video.snapshots.length - collected(video).length,
        created_at: video.createdAt,
        last_updated_at: video.createdAt + nextSlot * HOUR,
        ended_at: video.status === 'completed' ? video.createdAt + nextSlot * HOUR : null,
        tags: JSON.stringify(video.tags),
      })
      .execute();
    for (const [position, tag] of video.tags.entries()) {
      await db
        .insertInto('video_tags')
        .values({
          video_id: video.id,
          account_id: ACCOUNT,
          mode: video.mode,
          tag,
          tag_key: tag.toLowerCase(),
          position,
          video_created_at: video.createdAt,
        })
        .execute();
    }
    if (video.mode === 'live') {
      ledger.push({
        account_id: ACCOUNT,
        video_id: video.id,
        kind: 'reserve',
        balance_delta_micro_usd: 0,
        reserved_delta_micro_usd: video.totalSlots * COST,
        created_at: video.createdAt,
      });
    }
    for (const s of video.snapshots) {
      await db
        .insertInto('snapshots')
        .values({
          id: s.id,
          video_id: video.id,
          slot: s.slot,
          taken_at: takenAt(video, s),
          missed: s.missed ? 1 : 0,
          views: s.missed ? null : (s.views ?? null),
          likes: s.missed ? null : (s.likes ?? null),
          comments: s.missed ? null : (s.comments ?? null),
          shares: s.missed ? null : (s.shares ?? null),
          saves: s.missed ? null : (s.saves ?? null),
          provider: s.missed ? null : (s.provider ?? 'tiktok-web'),
          approximate: s.approximate ? 1 : 0,
        })
        .execute();
      if (!s.missed && video.mode === 'live') {
        ledger.push({
          account_id: ACCOUNT,
          video_id: video.id,
          snapshot_id: s.id,
          kind: 'charge',
          balance_delta_micro_usd: -COST,
          reserved_delta_micro_usd: -COST,
          created_at: takenAt(video, s),
        });
      }
    }
    if (video.mode === 'live' && video.status === 'completed') {
      const left = video.totalSlots * COST - charged(video);
      if (left > 0) {
        ledger.push({
          account_id: ACCOUNT,
          video_id: video.id,
          kind: 'release',
          balance_delta_micro_usd: 0,
          reserved_delta_micro_usd: -left,
          note: 'completed',
          created_at: video.createdAt + video.snapshots.length * HOUR,
        });
      }
    }
  }
  for (const row of ledger) await db.insertInto('ledger_entries').values(row).execute();
  for (const mode of ['live', 'test'] as const) {
    const ofMode = VIDEOS.filter((v) => v.mode === mode);
    await db
      .insertInto('account_usage')
      .values({
        account_id: ACCOUNT,
        mode,
        active_videos: ofMode.filter((v) => v.status === 'monitoring').length,
        snapshots_collected: ofMode.reduce((sum, v) => sum + collected(v).length, 0),
        charged_micro_usd: ofMode.reduce((sum, v) => sum + charged(v), 0),
      })
      .execute();
  }
  // A recorded batch of snapshot.created, not yet expanded, and one event expanded but never sent.
  await db
    .insertInto('webhook_endpoints')
    .values({
      id: 'whe_before010',
      account_id: ACCOUNT,
      mode: 'live',
      url: 'https://hooks.example.com/in',
      events: JSON.stringify(['snapshot.created']),
      disabled: 0,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      created_at: START,
      updated_at: START,
    })
    .execute();
  await db
    .insertInto('webhook_pending_snapshots')
    .values({
      id: 'wps_before010',
      account_id: ACCOUNT,
      mode: 'live',
      endpoint_ids: JSON.stringify(['whe_before010']),
      items: JSON.stringify([
        { video_id: 'vid_old_youtube', slot: 1, title: 'New title', creator: 'someone' },
      ]),
      created_at: START + HOUR + 45_000,
    })
    .execute();
  await db
    .insertInto('webhook_events')
    .values({
      id: 'evt_before010',
      account_id: ACCOUNT,
      mode: 'live',
      type: 'snapshot.created',
      payload: null,
      deferred_data: JSON.stringify({
        video_id: 'vid_old_tiktok',
        slot: 3,
        title: 'Title of vid_old_tiktok',
        creator: 'someone',
      }),
      created_at: START + 3 * HOUR,
    })
    .execute();
}

/** A snapshot as the API showed it before 010 (presentation/video.ts of that version). */
function presentedBefore(video: OldVideo, s: OldSnapshot) {
  const shown: Record<string, unknown> = {
    id: s.id,
    snapshot_id: `job_${video.id.slice(4)}-${s.slot}`,
    snapshot_time: iso(takenAt(video, s)),
    views: s.missed ? null : (s.views ?? null),
    likes: s.missed ? null : (s.likes ?? null),
    comments: s.missed ? null : (s.comments ?? null),
    shares: s.missed ? null : (s.shares ?? null),
    saves: s.missed ? null : (s.saves ?? null),
    provider: s.missed ? null : (s.provider ?? 'tiktok-web'),
    slot: s.slot,
  };
  if (s.missed) shown.missed = true;
  if (s.approximate) shown.approximate = true;
  return shown;
}

describe.each(DIALECTS)('migration 010-compact-snapshots on a database with data (%s)', (dialect) => {
  let store: TestStore;
  let parts: ServiceParts;
  let liveKey: string;
  let testKey: string;
  const clock = new TestClock(START + 2 * HOUR);
  const get = (url: string, key = liveKey) =>
    parts.app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

  beforeAll(async () => {
    store = await createTestStore(dialect, { upTo: '009-source-health' });
    await seedBefore(store.db as unknown as OldDb);
    expect(await migrateToLatest(store)).toEqual({
      ok: true,
      value: ['010-compact-snapshots', '011-snapshots-pruned-at'],
    });
    parts = await readyService({
      store,
      config: testConfig({ costPerSnapshotMicroUsd: COST }),
      clock,
      liveCollectors: {},
    });
    const live = await createApiKey(store, { accountId: ACCOUNT, mode: 'live', now: START });
    const test = await createApiKey(store, { accountId: ACCOUNT, mode: 'test', now: START });
    if (!live.ok || !test.ok) throw new Error('keys');
    liveKey = live.value.key;
    testKey = test.value.key;
  });
  afterAll(async () => {
    await parts?.app.close();
    await store?.destroy();
  });

  it('shows each video with its snapshots, their ids and times exactly as before', async () => {
    for (const video of VIDEOS) {
      const response = await get(`/api/v1/videos/${video.id}`, video.mode === 'live' ? liveKey : testKey);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.snapshots).toEqual(collected(video).map((s) => presentedBefore(video, s)));
      expect(body.latest).toEqual(presentedBefore(video, collected(video).at(-1)!));
      expect({ collected: body.snapshots_collected, missed: body.snapshots_missed }).toEqual({
        collected: collected(video).length,
        missed: video.snapshots.length - collected(video).length,
      });
      const page = await get(
        `/api/v1/videos/${video.id}/snapshots?include_missed=true`,
        video.mode === 'live' ? liveKey : testKey,
      );
      expect(
        (page.json().snapshots as Record<string, unknown>[]).map(
          ({ id, snapshot_time, missed, provider }) => ({
            id,
            snapshot_time,
            missed,
            provider,
          }),
        ),
      ).toEqual(
        video.snapshots.map((s) => {
          const shown = presentedBefore(video, s);
          return {
            id: shown.id,
            snapshot_time: shown.snapshot_time,
            missed: shown.missed,
            provider: shown.provider,
          };
        }),
      );
    }
  });

  it('keeps /usage, the exports and the tag roll-up as they were', async () => {
    const usage = (await get('/api/v1/usage')).json();
    expect({ charged: usage.total_charged_usd, snapshots: usage.total_snapshots }).toEqual({
      charged: (charged(VIDEOS[0]!) + charged(VIDEOS[1]!)) / 1_000_000,
      snapshots: collected(VIDEOS[0]!).length + collected(VIDEOS[1]!).length,
    });
    const csv = parseCsv((await get('/api/v1/exports/snapshots?format=csv')).body);
    const header = csv[0]!;
    const column = (row: string[], name: string) => row[header.indexOf(name)];
    expect(
      csv
        .slice(1)
        .map((row) => [
          column(row, 'snapshot_id'),
          column(row, 'snapshot_time'),
          column(row, 'views'),
          column(row, 'provider'),
        ]),
    ).toEqual(
      VIDEOS.filter((v) => v.mode === 'live').flatMap((video) =>
        collected(video).map((s) => {
          const shown = presentedBefore(video, s);
          return [shown.snapshot_id, shown.snapshot_time, shown.views ?? '', shown.provider];
        }),
      ),
    );
    const rollup = (await get('/api/v1/tags/spring/summary')).json();
    expect(rollup.charged_usd).toBe((charged(VIDEOS[0]!) + charged(VIDEOS[1]!)) / 1_000_000);
    expect(rollup.totals.views).toBe((BigInt(big) + 900n).toString());
    expect(rollup.newest_snapshot_at).toBe(iso(takenAt(VIDEOS[0]!, VIDEOS[0]!.snapshots[4]!)));
  });

  it('renders the webhook payloads of events recorded before from the same snapshots', async () => {
    const body = await renderDeferredPayload(store, {
      id: 'evt_before010',
      type: 'snapshot.created',
      createdAt: START + 3 * HOUR,
      deferredData: JSON.stringify({
        video_id: 'vid_old_tiktok',
        slot: 3,
        title: 'Title of vid_old_tiktok',
        creator: 'someone',
      }),
    });
    const payload = JSON.parse(body!);
    expect(payload.data.snapshot).toEqual(presentedBefore(VIDEOS[0]!, VIDEOS[0]!.snapshots[3]!));
    // As of that slot: two collected and one missed before it, and this one.
    expect(payload.data.video).toMatchObject({
      snapshots_collected: 3,
      snapshots_missed: 1,
      status: 'monitoring',
    });
    const pending = await store.db.selectFrom('webhook_pending_snapshots').selectAll().execute();
    expect(pending.map((row) => row.id)).toEqual(['wps_before010']);
  });

  it('holds the invariants, each old snapshot pointing at its own charge entry', async () => {
    await expectInvariants(store, ACCOUNT);
    const rows = await store.db
      .selectFrom('snapshots as s')
      .innerJoin('ledger_entries as l', 'l.id', 's.ledger_entry_id')
      .innerJoin('snapshot_legacy_ids as legacy', (j) =>
        j.onRef('legacy.video_key', '=', 's.video_key').onRef('legacy.slot', '=', 's.slot'),
      )
      .select(['legacy.id', 'l.snapshot_id', 'l.kind'])
      .execute();
    expect(rows.length).toBe(
      VIDEOS.filter((v) => v.mode === 'live').reduce((n, v) => n + collected(v).length, 0),
    );
    for (const row of rows)
      expect({ kind: row.kind, snapshot: row.snapshot_id }).toEqual({ kind: 'charge', snapshot: row.id });
  });

  it('records on after it, charging through a batch entry, with a derived id', async () => {
    const now = START + 2 * HOUR + 500;
    const outcome = await writeTransaction(store, async (tx) => {
      const video = (await lockVideo(tx, 'vid_old_youtube'))!;
      return recordObservation(
        tx,
        video,
        2,
        {
          metrics: { views: 1000n, likes: 10n, comments: 3n, shares: null, saves: null },
          metadata: { title: null, creator: null, description: null },
          provider: 'youtube-web',
        },
        now,
      );
    });
    expect(outcome).toBe('stored');
    await expectInvariants(store, ACCOUNT);
    const detail = (await get('/api/v1/videos/vid_old_youtube')).json();
    const latest = detail.snapshots.at(-1);
    expect(latest).toMatchObject({
      slot: 2,
      views: '1000',
      provider: 'youtube-web',
      snapshot_time: iso(now),
    });
    expect(latest.id).toMatch(/^snp_[0-9A-Za-z]{22}$/);
    expect(detail.snapshots.slice(0, 2).map((s: { id: string }) => s.id)).toEqual(
      VIDEOS[1]!.snapshots.map((s) => s.id),
    );
    const entries = await store.db
      .selectFrom('ledger_entries')
      .select(['kind', 'balance_delta_micro_usd'])
      .where('kind', '=', 'batch_charge')
      .execute();
    expect(entries.map((e) => [e.kind, Number(e.balance_delta_micro_usd)])).toEqual([
      ['batch_charge', -COST],
    ]);
  });

  it.runIf(dialect === 'postgres')('puts the old rows in the partitions of their blocks', async () => {
    const result = await sql<{ partition: string; n: string }>`
      select tableoid::regclass::text as partition, count(*) as n from snapshots group by 1 order by 1`.execute(
      store.db,
    );
    expect(result.rows.map((row) => [row.partition, Number(row.n)])).toEqual([['snapshots_b0000', 10]]);
  });
});
