// The disk a recorded snapshot costs (docs/benchmarks.md), its charge included, from the database's own
// accounting: SQLite's dbstat (the pages of each table and index), PostgreSQL's pg_relation_size and
// pg_total_relation_size. VIDEOS live videos are tracked through the real track write (slot 0), then SLOTS
// more slots of each are recorded through the engine (simulator, live mode: snapshot + charge + advance); the
// figure is what the tables and indexes a snapshot touches grew by over those recordings, per snapshot.
// SQLite, and PostgreSQL (BENCH_POSTGRES_URL, else the tests' database; `off` skips it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createAccount } from '../src/accounts/accounts.ts';
import type { Clock } from '../src/clock.ts';
import { newTimeOrderedId } from '../src/ids.ts';
import { createSimulatorCollector } from '../src/platforms/simulator/simulator.ts';
import { tiktokCanonicalUrl } from '../src/platforms/tiktok/url.ts';
import { createEngine } from '../src/scheduler/engine.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { ledgerTotals } from '../src/store/ledger.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { writeTransaction } from '../src/store/transaction.ts';
import { startTrackings } from '../src/tracking/start-trackings.ts';
import { newTracking } from '../src/tracking/track.ts';
import { TEST_POSTGRES_URL } from '../test/support/stores.ts';

const VIDEOS = Number(process.env.BENCH_DISK_VIDEOS ?? 10_000);
const SLOTS = Number(process.env.BENCH_DISK_SLOTS ?? 10);
const INTERVAL_SECONDS = 3600;
const COST_MICRO_USD = 15_000;
const TRACKS_PER_WRITE = 500;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The tables a recorded snapshot writes rows to (the videos and running totals are updated in place). */
const SNAPSHOT_TABLES = ['snapshots', 'ledger_entries', 'snapshot_sources'];

interface Relation {
  name: string;
  /** The table it belongs to (itself for a table). */
  table: string;
  bytes: number;
}

async function sqliteRelations(store: Store): Promise<Relation[]> {
  const tables = SNAPSHOT_TABLES.map((t) => `'${t}'`).join(', ');
  const result = await sql<{ name: string; tbl: string; bytes: number }>`
    select d.name as name, m.tbl_name as tbl, sum(d.pgsize) as bytes
    from dbstat d join sqlite_master m on m.name = d.name
    where m.tbl_name in (${sql.raw(tables)})
    group by d.name, m.tbl_name`.execute(store.db);
  return result.rows.map((row) => ({ name: row.name, table: row.tbl, bytes: Number(row.bytes) }));
}

async function postgresRelations(store: Store): Promise<Relation[]> {
  const tables = SNAPSHOT_TABLES.map((t) => `'${t}'`).join(', ');
  // Each table (a partitioned one: each partition, named after its parent) and each of its indexes, with
  // every fork (pg_relation_size of main + fsm + vm; TOAST with its table).
  const result = await sql<{ name: string; tbl: string; bytes: string }>`
    with tables as (
      select c.oid, c.relname as tbl from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relname in (${sql.raw(tables)})
    ), parts as (
      select t.tbl, p.relid as oid from tables t, pg_partition_tree(t.oid) p where p.isleaf
      union all select t.tbl, t.oid from tables t
        where not exists (select 1 from pg_partition_tree(t.oid) p where p.relid <> t.oid)
    )
    select c.relname as name, p.tbl,
      pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm')
        + coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) as bytes
    from parts p join pg_class c on c.oid = p.oid
    union all
    select i.relname, p.tbl, pg_relation_size(i.oid) from parts p
      join pg_index x on x.indrelid = p.oid join pg_class i on i.oid = x.indexrelid`.execute(store.db);
  // Partitions and their indexes are summed under their parent's names.
  const byName = new Map<string, Relation>();
  for (const row of result.rows) {
    const name = row.name.startsWith(`${row.tbl}_`) && row.name !== row.tbl ? partitionFamily(row) : row.name;
    const relation = byName.get(name) ?? { name, table: row.tbl, bytes: 0 };
    relation.bytes += Number(row.bytes);
    byName.set(name, relation);
  }
  return [...byName.values()];
}

/** `snapshots_b0000` → `snapshots (partitions)`, `snapshots_b0000_pkey` → `snapshots_pkey (partitions)`. */
function partitionFamily(row: { name: string; tbl: string }): string {
  const rest = row.name.slice(row.tbl.length + 1);
  const suffix = rest.includes('_pkey') ? '_pkey' : rest.match(/_(idx|key)$/)?.[0];
  if (!/^b\d|^default/.test(rest)) return row.name;
  return suffix ? `${row.tbl}${suffix} (partitions)` : `${row.tbl} (partitions)`;
}

async function rowCounts(store: Store): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of SNAPSHOT_TABLES) {
    try {
      const result = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(
        store.db,
      );
      counts.set(table, Number(result.rows[0]!.n));
    } catch {
      // A table this layout does not have.
    }
  }
  return counts;
}

/** Tracks VIDEOS live videos through the real track write, at `startedAt`. */
async function trackVideos(store: Store, accountId: string, startedAt: number, clock: Clock): Promise<void> {
  const simulator = createSimulatorCollector('tiktok', clock);
  const deps = { intervalSeconds: INTERVAL_SECONDS, costPerSnapshotMicroUsd: COST_MICRO_USD };
  for (let from = 0; from < VIDEOS; from += TRACKS_PER_WRITE) {
    const refs = Array.from({ length: Math.min(TRACKS_PER_WRITE, VIDEOS - from) }, (_, i) => {
      // Ends in 7: no simulator magic ending, so every video answers normally.
      const videoId = `73${String(from + i).padStart(16, '0')}7`;
      return { platform: 'tiktok' as const, videoId, canonicalUrl: tiktokCanonicalUrl(videoId) };
    });
    const observations = await simulator.collect(refs);
    const trackings = refs.map((ref, i) => {
      const observed = observations[i]!;
      if (!observed.ok) throw new Error(`the simulator refused ${ref.videoId}`);
      return newTracking(
        deps,
        { accountId, mode: 'live', videoLink: ref.canonicalUrl, durationDays: 7 },
        ref,
        observed.value,
        startedAt,
      );
    });
    await writeTransaction(store, (tx) => startTrackings(tx, trackings));
  }
}

/**
 * What recording cost PostgreSQL beyond disk: commits (the database's), WAL bytes (the server's) and rows
 * inserted, updated and deleted in this schema's tables. The first two count whatever else the server does, so
 * they are only the snapshots' own with nothing else running on it.
 */
interface PostgresActivity {
  commits: number;
  walBytes: number;
  rows: { inserted: number; updated: number; deleted: number };
}

async function postgresActivity(store: Store): Promise<PostgresActivity> {
  const read = async () => {
    const result = await sql<{
      commits: string;
      wal: string;
      inserted: string | null;
      updated: string | null;
      deleted: string | null;
    }>`
      select (select xact_commit from pg_stat_database where datname = current_database()) as commits,
        pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') as wal,
        (select sum(n_tup_ins) from pg_stat_user_tables where schemaname = current_schema()) as inserted,
        (select sum(n_tup_upd) from pg_stat_user_tables where schemaname = current_schema()) as updated,
        (select sum(n_tup_del) from pg_stat_user_tables where schemaname = current_schema()) as deleted`.execute(
      store.db,
    );
    const row = result.rows[0]!;
    return {
      commits: Number(row.commits),
      walBytes: Number(row.wal),
      rows: {
        inserted: Number(row.inserted ?? 0),
        updated: Number(row.updated ?? 0),
        deleted: Number(row.deleted ?? 0),
      },
    };
  };
  // A backend reports its counts when it goes idle, at most once a second, else 10 s later: wait that out.
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  return read();
}

interface DiskFigures {
  recorded: number;
  /** PostgreSQL only: what the recording cost the server. */
  activity?: { before: PostgresActivity; after: PostgresActivity };
  before: Relation[];
  after: Relation[];
  rowsBefore: Map<string, number>;
  rowsAfter: Map<string, number>;
  seconds: number;
}

async function measure(store: Store): Promise<DiskFigures> {
  const startedAt = Date.UTC(2026, 0, 15, 10);
  let now = startedAt;
  const clock: Clock = { now: () => now };
  const created = await createAccount(store, {
    email: `disk-${newTimeOrderedId('b', Date.now())}@example.com`.toLowerCase(),
    plan: 'enterprise',
    creditMicroUsd: VIDEOS * 24 * 7 * COST_MICRO_USD + 1_000_000,
    now,
  });
  if (!created.ok) throw new Error(created.error.kind);
  const accountId = created.value.account.id;
  await trackVideos(store, accountId, startedAt, clock);
  const relations = store.dialect === 'sqlite' ? sqliteRelations : postgresRelations;
  const before = await relations(store);
  const rowsBefore = await rowCounts(store);
  const activityBefore = store.dialect === 'postgres' ? await postgresActivity(store) : undefined;
  const simulator = createSimulatorCollector('tiktok', clock);
  const engine = createEngine({
    store,
    clock,
    collectorFor: () => simulator,
    log: silent,
    concurrency: 8,
    leaseBatch: 2000,
    soleScheduler: true,
  });
  const start = performance.now();
  let recorded = 0;
  for (let slot = 1; slot <= SLOTS; slot++) {
    // A few seconds after the slot falls due, as a scheduler keeping up would record it.
    now = startedAt + slot * INTERVAL_SECONDS * 1000 + 1_500;
    const summary = await engine.runDue();
    if (summary.fates.stored !== VIDEOS) throw new Error(`slot ${slot}: ${summary.fates.stored} stored`);
    recorded += summary.fates.stored;
  }
  const seconds = (performance.now() - start) / 1000;
  const activity = activityBefore && { before: activityBefore, after: await postgresActivity(store) };
  const totals = await ledgerTotals(store, accountId);
  if (totals.charges !== VIDEOS * (SLOTS + 1)) throw new Error(`${totals.charges} charges`);
  return {
    recorded,
    before,
    after: await relations(store),
    rowsBefore,
    rowsAfter: await rowCounts(store),
    seconds,
    ...(activity ? { activity } : {}),
  };
}

function report(dialect: string, figures: DiskFigures, out: (line: string) => void): number {
  const grown = figures.after
    .map((relation) => {
      const was = figures.before.find((b) => b.name === relation.name)?.bytes ?? 0;
      return { ...relation, grew: relation.bytes - was };
    })
    .sort((a, b) => a.table.localeCompare(b.table) || b.grew - a.grew);
  const total = grown.reduce((sum, r) => sum + r.grew, 0);
  const perSnapshot = total / figures.recorded;
  out(
    `${dialect}: ${figures.recorded.toLocaleString('en')} snapshots recorded (${VIDEOS.toLocaleString('en')} videos × ${SLOTS} slots) in ${figures.seconds.toFixed(1)} s`,
  );
  for (const table of SNAPSHOT_TABLES) {
    const rows = (figures.rowsAfter.get(table) ?? 0) - (figures.rowsBefore.get(table) ?? 0);
    if (!figures.rowsAfter.has(table)) continue;
    out(
      `  ${table.padEnd(34)} +${rows.toLocaleString('en').padStart(9)} rows  (${(rows / figures.recorded).toFixed(3)} per snapshot)`,
    );
    for (const relation of grown.filter((r) => r.table === table)) {
      out(
        `    ${relation.name.padEnd(32)} ${(relation.grew / figures.recorded).toFixed(1).padStart(7)} B per snapshot  (${(relation.bytes / 2 ** 20).toFixed(1)} MiB)`,
      );
    }
  }
  out(`  bytes per recorded snapshot, charge included   ${perSnapshot.toFixed(1)} B`);
  if (figures.activity) {
    const { before, after } = figures.activity;
    const per = (n: number) => (n / figures.recorded).toFixed(3);
    out(
      `  per recorded snapshot: ${per(after.commits - before.commits)} commits, ` +
        `${((after.walBytes - before.walBytes) / figures.recorded).toFixed(0)} B of WAL, rows ` +
        `${per(after.rows.inserted - before.rows.inserted)} inserted, ${per(after.rows.updated - before.rows.updated)} updated, ` +
        `${per(after.rows.deleted - before.rows.deleted)} deleted (commits and WAL: the whole server's)`,
    );
  }
  return perSnapshot;
}

export async function benchDisk(out: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-disk-'));
  try {
    const store = openStore(`sqlite:${join(dir, 'disk.db')}`);
    const migrated = await migrateToLatest(store);
    if (!migrated.ok) throw new Error(migrated.error.message);
    const figures = await measure(store);
    await store.close();
    report('SQLite', figures, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The PostgreSQL the tests use unless told otherwise; BENCH_POSTGRES_URL=off skips it.
  const postgresUrl = process.env.BENCH_POSTGRES_URL ?? TEST_POSTGRES_URL;
  if (postgresUrl === 'off') {
    out('PostgreSQL: skipped (BENCH_POSTGRES_URL=off)');
    return;
  }
  const schema = `bench_disk_${process.pid}_${Date.now()}`;
  const admin = openStore(postgresUrl);
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  try {
    const url = new URL(postgresUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const store = openStore(url.href);
    try {
      const migrated = await migrateToLatest(store);
      if (!migrated.ok) throw new Error(migrated.error.message);
      report('PostgreSQL', await measure(store), out);
    } finally {
      await store.close();
    }
  } finally {
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
    await admin.close();
  }
}
