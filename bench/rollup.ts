// The campaign roll-up (GET /tags/{tag}/summary, docs/benchmarks.md): its time for a tag on 10,000 videos with
// 720 snapshots each (30 days, hourly: 7.2 million rows) next to the same videos with 24 snapshots each — the
// two should be about equal, the roll-up's cost following the videos, not the snapshots — and for a tag on 100
// of them. SQLite always; PostgreSQL too when BENCH_POSTGRES_URL is set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { tagRollup } from '../src/store/tag-rollup.ts';

const VIDEOS = Number(process.env.BENCH_ROLLUP_VIDEOS ?? 10_000);
const HOUR_MS = 3_600_000;
const ACCOUNT = 'acc_rollup';

/**
 * Fills the store in SQL (set-up, not the thing measured): VIDEOS videos created `snapshots` hours before `now`,
 * every one tagged `all`, one in a hundred also `few`, each with `snapshots` hourly collected snapshots.
 */
async function seed(store: Store, snapshots: number, now: number): Promise<void> {
  const createdAt = now - snapshots * HOUR_MS;
  await sql`insert into accounts (id, email, plan, disabled, balance_micro_usd, reserved_micro_usd, created_at)
    values (${ACCOUNT}, 'rollup@example.com', 'enterprise', 0, 0, 0, cast(${createdAt} as bigint))`.execute(
    store.db,
  );
  const numbers =
    store.dialect === 'postgres'
      ? sql`select generate_series(0, cast(${VIDEOS - 1} as integer)) as n`
      : sql`select value as n from (with recursive s(value) as (select 0 union all select value + 1 from s where value < ${VIDEOS - 1}) select value from s)`;
  // Keys as the store gives them to a new database's first videos (their partition exists).
  const firstKey = 1;
  await sql`insert into videos (id, video_key, job_id, account_id, mode, platform, platform_video_id, video_link,
      canonical_url, status, is_deleted, duration_days, interval_seconds, total_slots, cost_per_snapshot_micro_usd,
      reserved_micro_usd, next_slot, next_due_at, attempts, snapshots_collected, snapshots_missed, charged_micro_usd,
      created_at, last_updated_at, tags)
    select 'vid_' || n, cast(${firstKey} as bigint) + n, 'job_' || n, cast(${ACCOUNT} as text), 'live',
      case when n % 3 = 0 then 'youtube' else 'tiktok' end,
      'p' || n, 'https://example/' || n, 'https://example/' || n, 'monitoring', 0, 30, 3600, 720, 15000, 0,
      cast(${snapshots} as integer), cast(${now} as bigint), 0, cast(${snapshots} as integer), 0,
      cast(${snapshots * 15000} as bigint), cast(${createdAt} as bigint), cast(${now} as bigint), '["all"]'
    from (${numbers}) as numbers`.execute(store.db);
  await sql`insert into snapshot_sources (code, provider, approximate) values (1, 'bench', 0)`.execute(
    store.db,
  );
  await sql`insert into video_tags (video_id, account_id, mode, tag, tag_key, position, video_created_at)
    select id, account_id, mode, 'all', 'all', 0, created_at from videos`.execute(store.db);
  await sql`insert into video_tags (video_id, account_id, mode, tag, tag_key, position, video_created_at)
    select id, account_id, mode, 'few', 'few', 1, created_at from videos where cast(substr(id, 5) as integer) % 100 = 0`.execute(
    store.db,
  );
  const slots =
    store.dialect === 'postgres'
      ? sql`select generate_series(0, cast(${snapshots - 1} as integer)) as slot`
      : sql`select value as slot from (with recursive s(value) as (select 0 union all select value + 1 from s where value < ${snapshots - 1}) select value from s)`;
  // One insert per video keeps each statement's work small on both dialects.
  await sql`insert into snapshots (video_key, slot, taken_at, views, likes, comments, shares, saves, source,
      charged_micro_usd, ledger_entry_id)
    select v.video_key, s.slot, v.created_at + s.slot * cast(${HOUR_MS} as bigint) + 1000,
      1000 + s.slot * 37, 100 + s.slot * 3, 10 + s.slot, case when v.platform = 'tiktok' then s.slot end,
      case when v.platform = 'tiktok' then s.slot * 2 end, 1, 15000, 1
    from videos v cross join (${slots}) as s`.execute(store.db);
  await sql`analyze`.execute(store.db);
}

const ROUNDS = 7;

async function timeRollup(store: Store, tagKey: string, now: number): Promise<number> {
  const start = performance.now();
  const rollup = await tagRollup(store, { accountId: ACCOUNT, mode: 'live', tagKey, now });
  const ms = performance.now() - start;
  if (!rollup || rollup.videos === 0) throw new Error('the roll-up found no videos');
  return ms;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Seeds one store with 24 snapshots per video and one with 720, then times the summaries in alternating rounds:
 * this machine's speed drifts within minutes, and alternating lets the ratio of the two stand.
 */
async function measure(
  label: string,
  open: () => Promise<{ store: Store; done: () => Promise<void> }>,
  report: (line: string) => void,
): Promise<void> {
  const stores: Array<{ store: Store; done: () => Promise<void>; snapshots: number; now: number }> = [];
  try {
    for (const snapshots of [24, 720]) {
      const opened = await open();
      stores.push({ ...opened, snapshots, now: Date.now() });
      const migrated = await migrateToLatest(opened.store);
      if (!migrated.ok) throw new Error(migrated.error.message);
      const seedStart = performance.now();
      await seed(opened.store, snapshots, stores.at(-1)!.now);
      report(
        `${label}: seeded ${VIDEOS.toLocaleString('en')} videos × ${snapshots} snapshots in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`,
      );
    }
    const times = new Map(
      stores.map(({ snapshots }) => [snapshots, { all: [] as number[], few: [] as number[] }]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (const { store, snapshots, now } of stores) {
        times.get(snapshots)!.all.push(await timeRollup(store, 'all', now));
        for (let i = 0; i < 3; i++) times.get(snapshots)!.few.push(await timeRollup(store, 'few', now));
      }
    }
    for (const { snapshots } of stores) {
      const { all, few } = times.get(snapshots)!;
      report(
        `${label}: ${VIDEOS.toLocaleString('en')} videos × ${snapshots} snapshots: summary of all ` +
          `${median(all).toFixed(0)} ms (range ${Math.min(...all).toFixed(0)}–${Math.max(...all).toFixed(0)}), ` +
          `of ${VIDEOS / 100} videos ${median(few).toFixed(1)} ms (medians of ${ROUNDS} alternating rounds)`,
      );
    }
    const ratio = median(times.get(720)!.all) / median(times.get(24)!.all);
    report(`${label}: 720 snapshots / 24 snapshots = ${ratio.toFixed(2)}`);
  } finally {
    for (const { done } of stores) await done();
  }
}

export async function benchRollup(report: (line: string) => void): Promise<void> {
  await measure(
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-rollup-'));
      const store = openStore(`sqlite:${join(dir, 'rollup.db')}`);
      return {
        store,
        done: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    report,
  );
  const postgresUrl = process.env.BENCH_POSTGRES_URL;
  if (!postgresUrl) {
    report('PostgreSQL: skipped (set BENCH_POSTGRES_URL, e.g. postgres://127.0.0.1:5432/test)');
    return;
  }
  await measure(
    'PostgreSQL',
    async () => {
      const schema = `bench_rollup_${process.pid}_${Date.now()}`;
      const admin = openStore(postgresUrl);
      await sql`create schema ${sql.id(schema)}`.execute(admin.db);
      const url = new URL(postgresUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const store = openStore(url.href);
      return {
        store,
        done: async () => {
          await store.close();
          await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
          await admin.close();
        },
      };
    },
    report,
  );
}
