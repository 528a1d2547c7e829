// PostgreSQL keeps the snapshots in one partition per month in which trackings started, so the data of
// trackings long ended can be detached or dropped whole instead of deleted row by row (docs/operations.md).
// The partition key is the video's key: on PostgreSQL its high 32 bits are that month (months since 1970-01,
// UTC), so a video's rows all fall in its month's partition, the primary key (video_key, slot) includes the
// partition key, and every read by video names its partition. A default partition catches the rows of a month
// whose partition is missing (maintenance did not run in time); creating that partition moves them over.
// SQLite has one table and needs none of this: every function here does nothing there.
import { sql } from 'kysely';
import type { Executor, NotInTransaction } from './transaction.ts';
import { writeTransaction } from './transaction.ts';

/** Keys per month: the low 32 bits of a PostgreSQL video key number the videos. */
export const KEYS_PER_MONTH = 2 ** 32;

/** Months since 1970-01 (UTC) of a time. */
export function monthOf(ms: number): number {
  const date = new Date(ms);
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

/** The month a PostgreSQL video key belongs to. */
export const monthOfVideoKey = (videoKey: number): number => Math.floor(videoKey / KEYS_PER_MONTH);

/** `snapshots_m2026_01` */
export function partitionName(month: number): string {
  const year = 1970 + Math.floor(month / 12);
  return `snapshots_m${year}_${String((month % 12) + 1).padStart(2, '0')}`;
}

const monthOfName = (name: string): number | undefined => {
  const match = /^snapshots_m(\d{4})_(\d{2})$/.exec(name);
  return match ? (Number(match[1]) - 1970) * 12 + Number(match[2]) - 1 : undefined;
};

/** Months ahead of the current one whose partitions maintenance keeps ready. */
export const MONTHS_AHEAD = 2;

/** The months whose snapshot partitions exist (PostgreSQL; SQLite: none). */
export async function snapshotPartitionMonths(ex: Executor): Promise<number[]> {
  if (ex.dialect !== 'postgres') return [];
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'snapshots'::regclass`.execute(ex.db);
  return result.rows
    .map((row) => monthOfName(row.name))
    .filter((month): month is number => month !== undefined)
    .sort((a, b) => a - b);
}

/**
 * Creates the partition of `month` unless it exists, moving into it any rows of that month the default
 * partition caught. Runs inside the caller's transaction (the migration's, or ensureSnapshotPartitions').
 */
export async function createSnapshotPartition(ex: Executor, month: number): Promise<boolean> {
  if (ex.dialect !== 'postgres') return false;
  const name = partitionName(month);
  const exists = await sql<{ found: number }>`
    select 1 as found from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'snapshots'::regclass and c.relname = ${name}`.execute(ex.db);
  if (exists.rows.length > 0) return false;
  const from = month * KEYS_PER_MONTH;
  const to = (month + 1) * KEYS_PER_MONTH;
  // Built apart and attached, so that rows already in the default partition can move first: attaching
  // checks that the default holds none of the new partition's range (a scan of the default, which is empty
  // unless maintenance fell behind).
  await sql`create table ${sql.id(name)} (like snapshots including defaults including constraints)`.execute(
    ex.db,
  );
  await sql`insert into ${sql.id(name)} select * from snapshots_default
    where video_key >= ${from} and video_key < ${to}`.execute(ex.db);
  await sql`delete from snapshots_default where video_key >= ${from} and video_key < ${to}`.execute(ex.db);
  await sql`alter table snapshots attach partition ${sql.id(name)}
    for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(ex.db);
  return true;
}

/**
 * Maintenance: the partitions of this month and the next MONTHS_AHEAD exist, and any rows the default
 * partition caught are moved to theirs. Run at start and every hour by each process that runs the background
 * work; safe to run from several at once (a lock makes them take turns). Answers the partitions created.
 */
export async function ensureSnapshotPartitions(store: NotInTransaction, now: number): Promise<string[]> {
  if (store.dialect !== 'postgres') return [];
  return writeTransaction(store, async (tx) => {
    // One maintainer at a time: the others wait here and then find the partitions made.
    await sql`lock table snapshots_default in share row exclusive mode`.execute(tx.db);
    const months = new Set<number>();
    const current = monthOf(now);
    for (let m = current; m <= current + MONTHS_AHEAD; m++) months.add(m);
    // Months whose rows the default partition caught (their trackings started before maintenance ran).
    const caught = await sql<{ month: string | number }>`
      select distinct floor(video_key / ${KEYS_PER_MONTH}::numeric) as month from snapshots_default`.execute(
      tx.db,
    );
    for (const row of caught.rows) months.add(Number(row.month));
    const created: string[] = [];
    for (const month of [...months].sort((a, b) => a - b)) {
      if (await createSnapshotPartition(tx, month)) created.push(partitionName(month));
    }
    return created;
  });
}

export interface SnapshotPartition {
  name: string;
  month: number;
  /** Videos whose snapshots it holds. */
  videos: number;
}

/**
 * The month partitions (PostgreSQL) all of whose videos' trackings ended before `endedBefore`: dropping one
 * removes those snapshots at once. A partition with a video still running, paused, or ended later is not
 * listed; nor the current month's, which new trackings still enter. SQLite: none (prune deletes rows).
 */
export async function droppableSnapshotPartitions(
  ex: Executor,
  endedBefore: number,
): Promise<SnapshotPartition[]> {
  if (ex.dialect !== 'postgres') return [];
  const droppable: SnapshotPartition[] = [];
  const currentMonth = monthOf(endedBefore);
  for (const month of await snapshotPartitionMonths(ex)) {
    if (month >= currentMonth) continue;
    const row = await ex.db
      .selectFrom('videos')
      .where('video_key', '>=', month * KEYS_PER_MONTH)
      .where('video_key', '<', (month + 1) * KEYS_PER_MONTH)
      .select((eb) => [
        eb.fn.countAll<number | string>().as('videos'),
        eb.fn
          .count<number | string>(
            eb
              .case()
              .when(eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', endedBefore)]))
              .then(1)
              .end(),
          )
          .as('open'),
      ])
      .executeTakeFirstOrThrow();
    if (Number(row.open) === 0) {
      droppable.push({ name: partitionName(month), month, videos: Number(row.videos) });
    }
  }
  return droppable;
}

/**
 * Detaches and drops one month's partition (as listed by droppableSnapshotPartitions), with the kept ids of
 * its snapshots recorded before migration 010. The ledger is untouched: each charge stays where it was posted.
 */
export async function dropSnapshotPartition(store: NotInTransaction, month: number): Promise<void> {
  if (store.dialect !== 'postgres') return;
  const name = partitionName(month);
  await writeTransaction(store, async (tx) => {
    await sql`alter table snapshots detach partition ${sql.id(name)}`.execute(tx.db);
    await sql`drop table ${sql.id(name)}`.execute(tx.db);
    await tx.db
      .deleteFrom('snapshot_legacy_ids')
      .where('video_key', '>=', month * KEYS_PER_MONTH)
      .where('video_key', '<', (month + 1) * KEYS_PER_MONTH)
      .execute();
  });
}
