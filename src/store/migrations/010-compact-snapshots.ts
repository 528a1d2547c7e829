import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';
import { blockOf, createSnapshotPartition, KEYS_PER_BLOCK } from '../snapshot-partitions.ts';

/**
 * A quarter of the disk per snapshot (docs/architecture.md, "Snapshots and their charges"):
 * - `videos.video_key`: a compact integer key, unique, assigned on insert in creation order (PostgreSQL: from
 *   the `video_keys` sequence, each month starting a new block of keys, see snapshot-partitions.ts). Public ids
 *   are unchanged.
 * - `videos.charged_micro_usd`: Σ of the charges its snapshots carry (the tag roll-up reads it).
 * - `snapshot_sources`: provider and roundedness of the counts, a handful of rows a snapshot names by code.
 * - `snapshots` rebuilt, keyed (video_key, slot): no random id, no video id text, no provider text; its
 *   charge and the ledger entry that posted it on the row. A missed slot is the row without a source.
 *   SQLite: WITHOUT ROWID, the key is the table. PostgreSQL: partitioned by video_key, one partition per
 *   block of keys (a month's trackings).
 * - `snapshot_legacy_ids`: the random ids of the snapshots recorded before, which the API keeps showing.
 * - From now on the ledger posts one `batch_charge` per account per recorded batch; the old `charge`
 *   entries stay, and each old snapshot points at its own.
 * Existing rows are copied as they are: every public read answers the same before and after
 * (test/store/compact-snapshots-migration.test.ts).
 */
export function compactSnapshotsMigration(dialect: Dialect): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as Kysely<Database>;
      if (dialect === 'sqlite') {
        // Kysely runs SQLite migrations outside a transaction: this one is its own.
        await sql`begin immediate`.execute(db);
        try {
          await migrateSqlite(db);
          await sql`commit`.execute(db);
        } catch (error) {
          await sql`rollback`.execute(db);
          throw error;
        }
      } else {
        await migratePostgres(db);
      }
    },
  };
}

async function createSnapshotSources(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('snapshot_sources')
    .addColumn('code', dialect === 'sqlite' ? sql`integer` : sql`smallserial`, (c) => c.primaryKey())
    .addColumn('provider', 'text')
    .addColumn('approximate', 'integer', (c) => c.notNull())
    .addUniqueConstraint('snapshot_sources_one_code', ['provider', 'approximate'])
    .execute();
  await sql`insert into snapshot_sources (provider, approximate)
    select distinct provider, approximate from snapshots where missed = 0`.execute(db);
}

async function createLegacyIds(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('snapshot_legacy_ids')
    .addColumn('video_key', 'integer', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_legacy_ids_pk', ['video_key', 'slot'])
    .$call((table) => (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
}

/** The old rows as the new table holds them: key, source code, and the charge its ledger entry posted. */
const copiedRows = (oldTable: string, sameProvider: string) => sql`
  select v.video_key, s.slot, s.taken_at, s.views, s.likes, s.comments, s.shares, s.saves,
    case when s.missed = 0 then src.code end,
    coalesce(-l.balance_delta_micro_usd, 0), l.id
  from ${sql.table(oldTable)} s
    join videos v on v.id = s.video_id
    left join snapshot_sources src on s.missed = 0 and src.approximate = s.approximate
      and ${sql.raw(sameProvider)}
    left join ledger_entries l on l.snapshot_id = s.id and l.kind = 'charge'
  order by v.video_key, s.slot`;

const SNAPSHOT_COLUMNS = sql.raw(
  'video_key, slot, taken_at, views, likes, comments, shares, saves, source, charged_micro_usd, ledger_entry_id',
);

async function migrateSqlite(db: Kysely<Database>): Promise<void> {
  await sql`alter table videos add column video_key integer not null default 0`.execute(db);
  // The rowid numbers the videos already; new ones continue from the largest key (videos.ts).
  await sql`update videos set video_key = rowid`.execute(db);
  await db.schema.createIndex('videos_by_key').on('videos').column('video_key').unique().execute();
  await createSnapshotSources(db, 'sqlite');
  await createLegacyIds(db, 'sqlite');
  await sql`create table snapshots_compact (
    video_key integer not null references videos (video_key),
    slot integer not null,
    taken_at integer not null,
    views integer, likes integer, comments integer, shares integer, saves integer,
    source integer,
    charged_micro_usd integer not null default 0,
    ledger_entry_id integer,
    constraint snapshots_charge_posted check ((charged_micro_usd = 0) = (ledger_entry_id is null)),
    constraint snapshots_one_per_slot primary key (video_key, slot)
  ) without rowid`.execute(db);
  await sql`insert into snapshots_compact (${SNAPSHOT_COLUMNS})
    ${copiedRows('snapshots', 'src.provider is s.provider')}`.execute(db);
  await sql`insert into snapshot_legacy_ids (video_key, slot, id)
    select v.video_key, s.slot, s.id from snapshots s join videos v on v.id = s.video_id
    order by v.video_key, s.slot`.execute(db);
  await sql`drop table snapshots`.execute(db);
  await sql`alter table snapshots_compact rename to snapshots`.execute(db);
  await addChargedTotals(db);
}

async function migratePostgres(db: Kysely<Database>): Promise<void> {
  // Keys in creation order, each month's from the start of a block of its own (as maintenance keeps doing).
  await sql`alter table videos add column video_key integer not null default 0`.execute(db);
  await sql`create sequence video_keys as integer`.execute(db);
  await sql`with months as (
      select id, (extract(year from to_timestamp(created_at / 1000.0) at time zone 'UTC') - 1970) * 12
          + extract(month from to_timestamp(created_at / 1000.0) at time zone 'UTC') - 1 as month,
        created_at
      from videos
    ), ranked as (
      select id, month, row_number() over (partition by month order by created_at, id) as rank from months
    ), sized as (
      select month, ceil(count(*) / ${sql.lit(KEYS_PER_BLOCK)}::numeric) as blocks from months group by month
    ), bases as (
      select month, (sum(blocks) over (order by month) - blocks) * ${sql.lit(KEYS_PER_BLOCK)} as base from sized
    )
    update videos set video_key = bases.base + ranked.rank
    from ranked join bases on bases.month = ranked.month
    where ranked.id = videos.id`.execute(db);
  await sql`select setval('video_keys', greatest(max(video_key), 1), count(*) > 0) from videos`.execute(db);
  await sql`alter table videos alter column video_key drop default`.execute(db);
  await db.schema.createIndex('videos_by_key').on('videos').column('video_key').unique().execute();
  await createSnapshotSources(db, 'postgres');
  await createLegacyIds(db, 'postgres');
  // The old table makes way (names of constraints and indexes are per schema on PostgreSQL).
  await sql`alter table snapshots rename to snapshots_pre010`.execute(db);
  await sql`alter table snapshots_pre010 rename constraint snapshots_one_per_slot to snapshots_pre010_pk`.execute(
    db,
  );
  // Wide columns first: PostgreSQL aligns each column to its size, and this order leaves no padding.
  await sql`create table snapshots (
    taken_at bigint not null,
    views bigint, likes bigint, comments bigint, shares bigint, saves bigint,
    ledger_entry_id bigint,
    video_key integer not null references videos (video_key),
    charged_micro_usd integer not null default 0,
    slot smallint not null,
    source smallint,
    constraint snapshots_charge_posted check ((charged_micro_usd = 0) = (ledger_entry_id is null)),
    constraint snapshots_one_per_slot primary key (video_key, slot)
  ) partition by range (video_key)`.execute(db);
  await sql`create table snapshots_default partition of snapshots default`.execute(db);
  // A partition for each block that has videos, the block new videos enter and the one after it.
  const keys = await sql<{ key: number | null }>`select max(video_key) as key from videos`.execute(db);
  const next = Number(keys.rows[0]?.key ?? 0) + 1;
  const blocks = new Set([blockOf(next), blockOf(next) + 1]);
  const existing = await sql<{ block: number }>`
    select distinct video_key / ${sql.lit(KEYS_PER_BLOCK)} as block from videos`.execute(db);
  for (const row of existing.rows) blocks.add(Number(row.block));
  for (const block of [...blocks].sort((a, b) => a - b)) {
    await createSnapshotPartition({ db, dialect: 'postgres' }, block);
  }
  await sql`insert into snapshots (${SNAPSHOT_COLUMNS})
    ${copiedRows('snapshots_pre010', 'src.provider is not distinct from s.provider')}`.execute(db);
  await sql`insert into snapshot_legacy_ids (video_key, slot, id)
    select v.video_key, s.slot, s.id from snapshots_pre010 s join videos v on v.id = s.video_id`.execute(db);
  await sql`drop table snapshots_pre010`.execute(db);
  await addChargedTotals(db);
}

/** Σ of the charges each video's snapshots carry (as copied: each one's own ledger entry). */
async function addChargedTotals(db: Kysely<Database>): Promise<void> {
  await sql`alter table videos add column charged_micro_usd bigint not null default 0`.execute(db);
  await sql`update videos set charged_micro_usd = (
      select coalesce(sum(s.charged_micro_usd), 0) from snapshots s where s.video_key = videos.video_key)
    where mode = 'live'`.execute(db);
}
