// The queries behind `contentstats prune` (retention/prune.ts): which ended videos still hold snapshot rows,
// what those rows are, and deleting them a bounded number at a time. Every statement of the prune that touches
// the snapshots table is here (the export reuses the public export's queries, store/exports.ts), so a change
// to that table has one place to follow. Snapshots are keyed by their video's `video_key` (migration 010); the
// functions here take video ids and find the keys themselves. A snapshot recorded before 010 also has its
// random id in `snapshot_legacy_ids`, which goes with it. The transaction that deletes a video's last rows
// marks it pruned (`videos.snapshots_pruned_at`, migration 011), which the API shows and prune then skips.
import type { Kysely } from 'kysely';
import { type Database, ENDED_STATUSES, type Mode } from './schema.ts';
import type { Executor, Tx } from './transaction.ts';

export interface PrunableVideo {
  id: string;
  account_id: string;
  mode: Mode;
  ended_at: number;
  /** The rows its counters account for: what it holds, or more once it has been partly pruned. */
  counted_rows: number;
}

/** Where a page of prunable videos starts: after this video, in order of their end. */
export interface PrunableCursor {
  endedAt: number;
  id: string;
}

/**
 * Videos that ended (completed, error, cancelled) before `endedBefore`, are not marked pruned
 * (`snapshots_pruned_at`) and still hold at least one snapshot row, in order of their end (ended_at, id) after
 * `after`: a keyset page over the index `videos_prune_candidates` (migration 011), which holds only the ended
 * videos not marked, each checked by one seek on the snapshots' key. A video pruned once is not in it.
 */
export async function prunableVideosPage(
  ex: Executor,
  endedBefore: number,
  after: PrunableCursor | undefined,
  limit: number,
): Promise<PrunableVideo[]> {
  let query = ex.db
    .selectFrom('videos as v')
    .select(['v.id', 'v.account_id', 'v.mode', 'v.ended_at', 'v.snapshots_collected', 'v.snapshots_missed'])
    .where('v.ended_at', 'is not', null)
    .where('v.snapshots_pruned_at', 'is', null)
    .where('v.ended_at', '<', endedBefore)
    .where('v.status', 'in', ENDED_STATUSES)
    .where((eb) =>
      eb.exists(eb.selectFrom('snapshots as s').select('s.slot').whereRef('s.video_key', '=', 'v.video_key')),
    );
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('v.ended_at', 'v.id'), '>', eb.tuple(after.endedAt, after.id)),
    );
  }
  const rows = await query.orderBy('v.ended_at').orderBy('v.id').limit(limit).execute();
  return rows.map(({ snapshots_collected, snapshots_missed, ended_at, ...video }) => ({
    ...video,
    ended_at: Number(ended_at),
    counted_rows: Number(snapshots_collected) + Number(snapshots_missed),
  }));
}

/** What a set of snapshot rows holds: collected and missed rows, and the first and last time taken. */
export interface SnapshotTally {
  collected: number;
  missed: number;
  firstTakenAt: number | null;
  lastTakenAt: number | null;
}

export const EMPTY_TALLY: Readonly<SnapshotTally> = Object.freeze({
  collected: 0,
  missed: 0,
  firstTakenAt: null,
  lastTakenAt: null,
});

export function addTallies(a: SnapshotTally, b: SnapshotTally): SnapshotTally {
  const earliest = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  const latest = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return {
    collected: a.collected + b.collected,
    missed: a.missed + b.missed,
    firstTakenAt: earliest(a.firstTakenAt, b.firstTakenAt),
    lastTakenAt: latest(a.lastTakenAt, b.lastTakenAt),
  };
}

/** Each of these videos' snapshot rows, tallied (a video with none is absent). */
export async function tallySnapshots(
  ex: Executor,
  videoIds: readonly string[],
): Promise<Map<string, SnapshotTally>> {
  const tallies = new Map<string, SnapshotTally>();
  if (videoIds.length === 0) return tallies;
  const rows = await ex.db
    .selectFrom('snapshots as s')
    .innerJoin('videos as v', 'v.video_key', 's.video_key')
    .select((eb) => [
      'v.id as video_id',
      eb.fn.countAll<number | string>().as('rows'),
      eb.fn.count<number | string>('s.source').as('collected'),
      eb.fn.min<number | string>('s.taken_at').as('first'),
      eb.fn.max<number | string>('s.taken_at').as('last'),
    ])
    .where('v.id', 'in', videoIds)
    .groupBy('v.id')
    .execute();
  for (const row of rows) {
    const collected = Number(row.collected);
    tallies.set(row.video_id, {
      collected,
      missed: Number(row.rows) - collected,
      firstTakenAt: Number(row.first),
      lastTakenAt: Number(row.last),
    });
  }
  return tallies;
}

/**
 * Deletes every snapshot row of these videos and marks them pruned at `prunedAt` (those not marked yet);
 * returns how many rows.
 */
export async function deleteSnapshotsOf(
  tx: Tx,
  videoIds: readonly string[],
  prunedAt: number,
): Promise<number> {
  if (videoIds.length === 0) return 0;
  const keys = keysOf(tx.db, videoIds);
  await tx.db.deleteFrom('snapshot_legacy_ids').where('video_key', 'in', keys).execute();
  const result = await tx.db.deleteFrom('snapshots').where('video_key', 'in', keys).executeTakeFirst();
  await markPruned(tx, videoIds, prunedAt);
  return Number(result.numDeletedRows);
}

/** Marks videos whose last snapshot rows this transaction deleted; a mark already there stays. */
async function markPruned(tx: Tx, videoIds: readonly string[], prunedAt: number): Promise<void> {
  await tx.db
    .updateTable('videos')
    .set({ snapshots_pruned_at: prunedAt })
    .where('id', 'in', videoIds)
    .where('snapshots_pruned_at', 'is', null)
    .execute();
}

const keysOf = (db: Kysely<Database>, videoIds: readonly string[]) =>
  db.selectFrom('videos').select('video_key').where('id', 'in', videoIds);

/**
 * Deletes the oldest `limit` snapshot rows of one video (all of them if it holds no more): the slots up to the
 * `limit`-th, found by a seek along the snapshots' key. Once none remain it marks the video pruned at
 * `prunedAt`; a video stopped part-way keeps its newest rows and no mark. Returns how many it deleted and
 * whether rows remain.
 */
export async function deleteOldestSnapshots(
  tx: Tx,
  videoId: string,
  limit: number,
  prunedAt: number,
): Promise<{ deleted: number; remaining: boolean }> {
  const video = await tx.db
    .selectFrom('videos')
    .select('video_key')
    .where('id', '=', videoId)
    .executeTakeFirst();
  if (!video) return { deleted: 0, remaining: false };
  const boundary = await tx.db
    .selectFrom('snapshots')
    .select('slot')
    .where('video_key', '=', video.video_key)
    .orderBy('slot')
    .limit(1)
    .offset(limit - 1)
    .executeTakeFirst();
  let legacy = tx.db.deleteFrom('snapshot_legacy_ids').where('video_key', '=', video.video_key);
  if (boundary) legacy = legacy.where('slot', '<=', boundary.slot);
  await legacy.execute();
  let query = tx.db.deleteFrom('snapshots').where('video_key', '=', video.video_key);
  if (boundary) query = query.where('slot', '<=', boundary.slot);
  const result = await query.executeTakeFirst();
  const next = boundary
    ? await tx.db
        .selectFrom('snapshots')
        .select('slot')
        .where('video_key', '=', video.video_key)
        .limit(1)
        .executeTakeFirst()
    : undefined;
  if (next === undefined) await markPruned(tx, [videoId], prunedAt);
  return { deleted: Number(result.numDeletedRows), remaining: next !== undefined };
}
