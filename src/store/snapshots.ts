import { sql } from 'kysely';
import { preparedInsertMany, preparedRead } from './prepared.ts';
import type { Executor, Tx } from './transaction.ts';

export interface NewSnapshot {
  id: string;
  videoId: string;
  slot: number;
  takenAt: number;
  missed: boolean;
  views: bigint | null;
  likes: bigint | null;
  comments: bigint | null;
  shares: bigint | null;
  saves: bigint | null;
  provider: string | null;
  approximate: boolean;
}

/** A stored snapshot with counts as exact decimal strings. (A type, so insert helpers take it as a record.) */
export type SnapshotRow = {
  id: string;
  video_id: string;
  slot: number;
  taken_at: number;
  missed: number;
  views: string | null;
  likes: string | null;
  comments: string | null;
  shares: string | null;
  saves: string | null;
  provider: string | null;
  approximate: number;
};

const count = (value: bigint | null): string | null => (value === null ? null : value.toString());

/** The row a snapshot is stored as, which is also how it reads back (counts as decimal strings). */
export const snapshotRow = (s: NewSnapshot): SnapshotRow => ({
  id: s.id,
  video_id: s.videoId,
  slot: s.slot,
  taken_at: s.takenAt,
  missed: s.missed ? 1 : 0,
  views: count(s.views),
  likes: count(s.likes),
  comments: count(s.comments),
  shares: count(s.shares),
  saves: count(s.saves),
  provider: s.provider,
  approximate: s.approximate ? 1 : 0,
});

/**
 * Stores each snapshot unless its slot already has one; returns the ids of the snapshots this call stored.
 * UNIQUE(video_id, slot) makes a second attempt a no-op (and so never a second charge).
 */
export async function insertSnapshotsOnce(tx: Tx, snapshots: readonly NewSnapshot[]): Promise<Set<string>> {
  const rows = await insertSnapshotRows(tx, snapshots.map(snapshotRow));
  return new Set(rows.map((row) => row.id));
}

/**
 * Stores the first snapshots of videos created in the same transaction: no slot can have one yet, so there is
 * nothing to skip or report (a conflict would be a bug, and fails the transaction). Costs about half of
 * insertSnapshotsOnce on SQLite, which has to look for the conflict and return what it stored.
 */
export async function insertFirstSnapshots(tx: Tx, snapshots: readonly NewSnapshot[]): Promise<void> {
  await insertNewSnapshotRows(tx, snapshots.map(snapshotRow));
}

type SnapshotInsert = ReturnType<typeof snapshotRow>;
const SNAPSHOT_COLUMNS = Object.keys(snapshotRow(emptySnapshot())) as (keyof SnapshotInsert)[];

const insertSnapshotRows = preparedInsertMany(SNAPSHOT_COLUMNS, (tx, rows: SnapshotInsert[]) =>
  tx.db
    .insertInto('snapshots')
    .values(rows)
    .onConflict((oc) => oc.columns(['video_id', 'slot']).doNothing())
    .returning('id'),
);

const insertNewSnapshotRows = preparedInsertMany(SNAPSHOT_COLUMNS, (tx, rows: SnapshotInsert[]) =>
  tx.db.insertInto('snapshots').values(rows),
);

/** A slot that could not be collected: a row with no counts (never charged). */
export function missedSnapshot(id: string, videoId: string, slot: number, takenAt: number): NewSnapshot {
  return {
    id,
    videoId,
    slot,
    takenAt,
    missed: true,
    views: null,
    likes: null,
    comments: null,
    shares: null,
    saves: null,
    provider: null,
    approximate: false,
  };
}

function emptySnapshot(): NewSnapshot {
  return missedSnapshot('', '', 0, 0);
}

// Counts are cast to text in SQL so values beyond 2^53 arrive exact.
export const SNAPSHOT_SELECTION = [
  'id',
  'video_id',
  'slot',
  'taken_at',
  'missed',
  sql<string | null>`cast(views as text)`.as('views'),
  sql<string | null>`cast(likes as text)`.as('likes'),
  sql<string | null>`cast(comments as text)`.as('comments'),
  sql<string | null>`cast(shares as text)`.as('shares'),
  sql<string | null>`cast(saves as text)`.as('saves'),
  'provider',
  'approximate',
] as const;

export async function insertSnapshotOnce(tx: Tx, snapshot: NewSnapshot): Promise<boolean> {
  return (await insertSnapshotsOnce(tx, [snapshot])).size === 1;
}

export interface SnapshotQuery {
  videoId: string;
  includeMissed?: boolean;
  sinceMs?: number;
  untilMs?: number;
  afterSlot?: number;
  limit?: number;
}

/** Oldest first. */
export async function listSnapshots(ex: Executor, q: SnapshotQuery): Promise<SnapshotRow[]> {
  let query = ex.db.selectFrom('snapshots').select(SNAPSHOT_SELECTION).where('video_id', '=', q.videoId);
  if (!q.includeMissed) query = query.where('missed', '=', 0);
  if (q.sinceMs !== undefined) query = query.where('taken_at', '>=', q.sinceMs);
  if (q.untilMs !== undefined) query = query.where('taken_at', '<', q.untilMs);
  if (q.afterSlot !== undefined) query = query.where('slot', '>', q.afterSlot);
  query = query.orderBy('slot', 'asc');
  if (q.limit !== undefined) query = query.limit(q.limit);
  return query.execute();
}

const newestCollected = preparedRead((ex, videoId: string) =>
  ex.db
    .selectFrom('snapshots')
    .select(SNAPSHOT_SELECTION)
    .where('video_id', '=', videoId)
    .where('missed', '=', 0)
    .orderBy('slot', 'desc')
    .limit(1),
);

const newestCollectedBefore = preparedRead((ex, videoId: string, beforeSlot: number) =>
  ex.db
    .selectFrom('snapshots')
    .select(SNAPSHOT_SELECTION)
    .where('video_id', '=', videoId)
    .where('missed', '=', 0)
    .where('slot', '<', beforeSlot)
    .orderBy('slot', 'desc')
    .limit(1),
);

/** The newest collected snapshot of one video before a slot (what the growth of that slot is measured from). */
export async function collectedSnapshotBefore(
  ex: Executor,
  videoId: string,
  slot: number,
): Promise<SnapshotRow | undefined> {
  return (await newestCollectedBefore(ex, videoId, slot))[0];
}

/** The newest collected snapshot of one video. */
export async function latestSnapshot(ex: Executor, videoId: string): Promise<SnapshotRow | undefined> {
  return (await newestCollected(ex, videoId))[0];
}

/** The newest collected snapshot of each of these videos. */
export async function latestSnapshots(ex: Executor, videoIds: string[]): Promise<Map<string, SnapshotRow>> {
  const result = new Map<string, SnapshotRow>();
  if (videoIds.length === 0) return result;
  const rows = await ex.db
    .selectFrom('snapshots')
    .select(SNAPSHOT_SELECTION)
    .where('video_id', 'in', videoIds)
    .where('missed', '=', 0)
    .where((eb) =>
      eb(
        'slot',
        '=',
        eb
          .selectFrom('snapshots as newest')
          .select((e) => e.fn.max('newest.slot').as('m'))
          .whereRef('newest.video_id', '=', 'snapshots.video_id')
          .where('newest.missed', '=', 0),
      ),
    )
    .execute();
  for (const row of rows) result.set(row.video_id, row);
  return result;
}
