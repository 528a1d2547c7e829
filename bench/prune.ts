// `contentstats prune` (docs/benchmarks.md): deleting the snapshots of 300 ended videos × 720 slots (216,000
// rows; `BENCH_PRUNE_VIDEOS`) beside as many videos still tracked, in transactions of the default batch
// (`BENCH_PRUNE_BATCH` changes it), against the baseline of one statement deleting the same rows in one
// transaction (an identical second database). Reports the total time of each, the prune's longest transaction
// (how long it holds SQLite's write lock at a time, or one PostgreSQL transaction open) and the dry run's time.
// SQLite, and PostgreSQL (BENCH_POSTGRES_URL, else the tests' database; `off` skips it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DEFAULT_PRUNE_BATCH, planPrune, pruneSnapshots } from '../src/retention/prune.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { writeTransaction } from '../src/store/transaction.ts';
import { TEST_POSTGRES_URL } from '../test/support/stores.ts';

const VIDEOS = Number(process.env.BENCH_PRUNE_VIDEOS ?? 300);
const SLOTS = 720;
const BATCH = Number(process.env.BENCH_PRUNE_BATCH ?? DEFAULT_PRUNE_BATCH);
const HOUR_MS = 3_600_000;
const START = Date.parse('2024-01-01T00:00:00.000Z');
const ENDED_AT = START + SLOTS * HOUR_MS;
const CUTOFF = ENDED_AT + 1;
const ACCOUNT = 'acc_prune';

/** VIDEOS completed videos and VIDEOS monitoring ones, each with SLOTS hourly snapshots (set-up, in SQL). */
async function seed(store: Store): Promise<void> {
  const migrated = await migrateToLatest(store);
  if (!migrated.ok) throw new Error(migrated.error.message);
  await sql`insert into accounts (id, email, plan, disabled, balance_micro_usd, reserved_micro_usd, created_at)
    values (${ACCOUNT}, 'prune@example.com', 'enterprise', 0, 0, 0, cast(${START} as bigint))`.execute(
    store.db,
  );
  const numbers =
    store.dialect === 'postgres'
      ? sql`select generate_series(0, cast(${2 * VIDEOS - 1} as integer)) as n`
      : sql`select value as n from (with recursive s(value) as (select 0 union all select value + 1 from s where value < ${2 * VIDEOS - 1}) select value from s)`;
  // Keys as the store gives them to a new database's first videos (their partition exists).
  await sql`insert into videos (id, video_key, job_id, account_id, mode, platform, platform_video_id, video_link,
      canonical_url, status, is_deleted, duration_days, interval_seconds, total_slots, cost_per_snapshot_micro_usd,
      reserved_micro_usd, next_slot, next_due_at, attempts, snapshots_collected, snapshots_missed, created_at,
      last_updated_at, ended_at)
    select 'vid_' || n, 1 + n, 'job_' || n, cast(${ACCOUNT} as text), 'test', 'tiktok', 'p' || n, 'https://example/' || n,
      'https://example/' || n, case when n % 2 = 0 then 'completed' else 'monitoring' end, 0, 30, 3600, ${SLOTS}, 0, 0,
      ${SLOTS}, null, 0, ${SLOTS}, 0, cast(${START} as bigint), cast(${ENDED_AT} as bigint),
      case when n % 2 = 0 then cast(${ENDED_AT} as bigint) end
    from (${numbers}) as numbers`.execute(store.db);
  const slots =
    store.dialect === 'postgres'
      ? sql`select generate_series(0, cast(${SLOTS - 1} as integer)) as slot`
      : sql`select value as slot from (with recursive s(value) as (select 0 union all select value + 1 from s where value < ${SLOTS - 1}) select value from s)`;
  await sql`insert into snapshot_sources (code, provider, approximate) values (1, 'bench', 0)`.execute(
    store.db,
  );
  await sql`insert into snapshots (video_key, slot, taken_at, views, likes, comments, shares, saves, source,
      charged_micro_usd, ledger_entry_id)
    select v.video_key, s.slot, v.created_at + s.slot * cast(${HOUR_MS} as bigint),
      1000 + s.slot * 37, 100 + s.slot * 3, 10 + s.slot, s.slot, s.slot * 2, 1, 0, null
    from videos v cross join (${slots}) as s`.execute(store.db);
  await sql`analyze`.execute(store.db);
}

async function remaining(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('snapshots')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function measure(
  label: string,
  open: () => Promise<{ store: Store; done: () => Promise<void> }>,
  report: (line: string) => void,
): Promise<void> {
  const opened = [await open(), await open()];
  try {
    const seedStart = performance.now();
    for (const { store } of opened) await seed(store);
    const rows = VIDEOS * SLOTS;
    report(
      `${label}: ${VIDEOS} ended videos × ${SLOTS} snapshots = ${rows.toLocaleString('en')} rows to prune, as many kept ` +
        `(seeded twice in ${((performance.now() - seedStart) / 1000).toFixed(0)} s)`,
    );
    const [baselineStore, pruneStore] = [opened[0]!.store, opened[1]!.store];

    const baselineStart = performance.now();
    await writeTransaction(baselineStore, (tx) =>
      tx.db
        .deleteFrom('snapshots')
        .where('video_key', 'in', (eb) =>
          eb
            .selectFrom('videos')
            .select('video_key')
            .where('ended_at', '<', CUTOFF)
            .where('status', '=', 'completed'),
        )
        .execute(),
    );
    const baselineMs = performance.now() - baselineStart;

    const planStart = performance.now();
    const plan = await planPrune(pruneStore, CUTOFF);
    const planMs = performance.now() - planStart;
    if (plan.snapshots.collected !== rows)
      throw new Error(`the plan counts ${plan.snapshots.collected} rows`);

    const pruneStart = performance.now();
    const done = await pruneSnapshots(pruneStore, {
      endedBefore: CUTOFF,
      now: Date.now(),
      dryRun: false,
      batchSize: BATCH,
    });
    const pruneMs = performance.now() - pruneStart;
    if (!done.ok || done.value.deleted.rows !== rows) throw new Error('the prune fell short');
    for (const store of [baselineStore, pruneStore]) {
      if ((await remaining(store)) !== rows) throw new Error('a kept snapshot went');
    }
    const { batches, longestTransactionMs } = done.value.deleted;
    report(
      `${label}: one transaction deleting them (baseline) ${baselineMs.toFixed(0)} ms; ` +
        `prune in ${batches} transactions of ≤ ${BATCH} rows ${pruneMs.toFixed(0)} ms ` +
        `(${(pruneMs / baselineMs).toFixed(2)}×, ${Math.round(rows / (pruneMs / 1000)).toLocaleString('en')} rows/s), ` +
        `the longest transaction ${longestTransactionMs.toFixed(1)} ms (${(longestTransactionMs / baselineMs).toFixed(3)}× the baseline); ` +
        `dry run ${planMs.toFixed(0)} ms (${(planMs / baselineMs).toFixed(2)}×)`,
    );
  } finally {
    for (const { done } of opened) await done();
  }
}

export async function benchPrune(report: (line: string) => void): Promise<void> {
  await measure(
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-prune-'));
      const store = openStore(`sqlite:${join(dir, 'prune.db')}`);
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
  // The PostgreSQL the tests use unless told otherwise; BENCH_POSTGRES_URL=off skips it.
  const postgresUrl = process.env.BENCH_POSTGRES_URL ?? TEST_POSTGRES_URL;
  if (postgresUrl === 'off') {
    report('PostgreSQL: skipped (BENCH_POSTGRES_URL=off)');
    return;
  }
  await measure(
    'PostgreSQL',
    async () => {
      const schema = `bench_prune_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
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
