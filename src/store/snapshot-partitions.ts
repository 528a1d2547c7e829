// PostgreSQL keeps the snapshots in partitions by the video's key, so the data of trackings long ended can be
// detached or dropped whole instead of deleted row by row (docs/operations.md). Keys are given in creation
// order from the `video_keys` sequence, in blocks of KEYS_PER_BLOCK: one partition per block, and each
// calendar month starts a new block (maintenance moves the sequence to the next block when it finds the
// newest video from an earlier month), so a partition holds the trackings started in one month — more than
// one partition when a month starts more than a block's worth. The partition key is the video key, which the
// primary key (video_key, slot) holds, and every read by video names its partition. A default partition
// catches rows whose block has no partition yet (maintenance fell behind); creating it moves them over.
// SQLite has one table and needs none of this: every function here does nothing there.
import { sql } from 'kysely';
import type { Executor, NotInTransaction } from './transaction.ts';
import { writeTransaction } from './transaction.ts';

/**
 * Video keys per block (2^22, about 4.2 million trackings). Keys are 32-bit integers on PostgreSQL (4 bytes
 * less in every index entry of the snapshots): 512 blocks, at least 42 years of monthly blocks.
 */
export const KEYS_PER_BLOCK = 2 ** 22;

/** Months since 1970-01 (UTC) of a time. */
export function monthOf(ms: number): number {
  const date = new Date(ms);
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

export const blockOf = (videoKey: number): number => Math.floor(videoKey / KEYS_PER_BLOCK);

/** `snapshots_b0007` */
export const partitionName = (block: number): string => `snapshots_b${String(block).padStart(4, '0')}`;

const blockOfName = (name: string): number | undefined => {
  const match = /^snapshots_b(\d{4,})$/.exec(name);
  return match ? Number(match[1]) : undefined;
};

/** The blocks whose snapshot partitions exist (PostgreSQL; SQLite: none). */
export async function snapshotPartitionBlocks(ex: Executor): Promise<number[]> {
  if (ex.dialect !== 'postgres') return [];
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'snapshots'::regclass`.execute(ex.db);
  return result.rows
    .map((row) => blockOfName(row.name))
    .filter((block): block is number => block !== undefined)
    .sort((a, b) => a - b);
}

/**
 * Creates the partition of `block` unless it exists, moving into it any rows of its keys the default
 * partition caught. Runs inside the caller's transaction (the migration's, or ensureSnapshotPartitions').
 */
export async function createSnapshotPartition(ex: Executor, block: number): Promise<boolean> {
  if (ex.dialect !== 'postgres') return false;
  const name = partitionName(block);
  const exists = await sql<{ found: number }>`
    select 1 as found from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'snapshots'::regclass and c.relname = ${name}`.execute(ex.db);
  if (exists.rows.length > 0) return false;
  const from = block * KEYS_PER_BLOCK;
  const to = (block + 1) * KEYS_PER_BLOCK;
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

/** The key the sequence gave last (0 before the first). */
async function lastVideoKey(ex: Executor): Promise<number> {
  const result = await sql<{ last: string | number | null }>`
    select case when is_called then last_value else 0 end as last from video_keys`.execute(ex.db);
  return Number(result.rows[0]?.last ?? 0);
}

export interface PartitionMaintenance {
  /** Partitions created. */
  created: string[];
  /** The block new videos now enter. */
  currentBlock: number;
}

/**
 * Maintenance, run at start and every hour by each process that runs the background work (safe from several
 * at once: a lock makes them take turns):
 * - a new month starts a new block: when the newest video was created in an earlier month than `now` and new
 *   keys would still fall in its block, the key sequence moves on to the next block's first key;
 * - the partitions of the current block and of the next one exist;
 * - rows the default partition caught are moved to their block's new partition.
 */
export async function ensureSnapshotPartitions(
  store: NotInTransaction,
  now: number,
): Promise<PartitionMaintenance | undefined> {
  if (store.dialect !== 'postgres') return undefined;
  return writeTransaction(store, async (tx) => {
    // One maintainer at a time: the others wait here and then find the work done.
    await sql`lock table snapshots_default in share row exclusive mode`.execute(tx.db);
    let last = await lastVideoKey(tx);
    const newest = await tx.db
      .selectFrom('videos')
      .select(['video_key', 'created_at'])
      .orderBy('video_key', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (
      newest &&
      monthOf(Number(newest.created_at)) < monthOf(now) &&
      blockOf(last + 1) === blockOf(newest.video_key)
    ) {
      // The next nextval() gives the next block's first key (sequences only move forward: `greatest`).
      const next = (blockOf(newest.video_key) + 1) * KEYS_PER_BLOCK;
      await sql`select setval('video_keys', greatest(${next - 1}::bigint, (select last_value from video_keys)))`.execute(
        tx.db,
      );
      last = Math.max(next - 1, last);
    }
    const currentBlock = blockOf(last + 1);
    const blocks = new Set([currentBlock, currentBlock + 1]);
    const caught = await sql<{ block: string | number }>`
      select distinct video_key / ${KEYS_PER_BLOCK} as block from snapshots_default`.execute(tx.db);
    for (const row of caught.rows) blocks.add(Number(row.block));
    const created: string[] = [];
    for (const block of [...blocks].sort((a, b) => a - b)) {
      if (await createSnapshotPartition(tx, block)) created.push(partitionName(block));
    }
    return { created, currentBlock };
  });
}

export interface SnapshotPartition {
  name: string;
  block: number;
  /** Videos whose snapshots it holds. */
  videos: number;
}

/**
 * The partitions (PostgreSQL) all of whose videos' trackings ended before `endedBefore`: dropping one
 * removes their snapshots at once. A partition with a video still running, paused, or ended later is not
 * listed, nor the block new videos enter. SQLite: none (prune deletes rows there).
 */
export async function droppableSnapshotPartitions(
  ex: Executor,
  endedBefore: number,
): Promise<SnapshotPartition[]> {
  if (ex.dialect !== 'postgres') return [];
  const currentBlock = blockOf((await lastVideoKey(ex)) + 1);
  const droppable: SnapshotPartition[] = [];
  for (const block of await snapshotPartitionBlocks(ex)) {
    if (block >= currentBlock) continue;
    const row = await ex.db
      .selectFrom('videos')
      .where('video_key', '>=', block * KEYS_PER_BLOCK)
      .where('video_key', '<', (block + 1) * KEYS_PER_BLOCK)
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
    if (Number(row.open) === 0)
      droppable.push({ name: partitionName(block), block, videos: Number(row.videos) });
  }
  return droppable;
}

/**
 * Detaches and drops one block's partition (as listed by droppableSnapshotPartitions), with the kept ids of
 * its snapshots recorded before migration 010, and marks every video of the block's keys pruned at `prunedAt`
 * (`snapshots_pruned_at`, those not marked yet), in one transaction. The ledger is untouched: each charge
 * entry stays. Returns the rows it held and the videos they were of.
 */
export async function dropSnapshotPartition(
  store: NotInTransaction,
  block: number,
  prunedAt: number,
): Promise<{ rows: number; videos: number }> {
  if (store.dialect !== 'postgres') return { rows: 0, videos: 0 };
  const name = partitionName(block);
  return writeTransaction(store, async (tx) => {
    // Counted under the lock the detach takes anyway, so the figures are what went.
    await sql`lock table ${sql.id(name)} in access exclusive mode`.execute(tx.db);
    const held = await sql<{ rows: string | number; videos: string | number }>`
      select count(*) as rows, count(distinct video_key) as videos from ${sql.id(name)}`.execute(tx.db);
    await sql`alter table snapshots detach partition ${sql.id(name)}`.execute(tx.db);
    await sql`drop table ${sql.id(name)}`.execute(tx.db);
    await tx.db
      .deleteFrom('snapshot_legacy_ids')
      .where('video_key', '>=', block * KEYS_PER_BLOCK)
      .where('video_key', '<', (block + 1) * KEYS_PER_BLOCK)
      .execute();
    await tx.db
      .updateTable('videos')
      .set({ snapshots_pruned_at: prunedAt })
      .where('video_key', '>=', block * KEYS_PER_BLOCK)
      .where('video_key', '<', (block + 1) * KEYS_PER_BLOCK)
      .where('snapshots_pruned_at', 'is', null)
      .execute();
    return { rows: Number(held.rows[0]?.rows ?? 0), videos: Number(held.rows[0]?.videos ?? 0) };
  });
}
