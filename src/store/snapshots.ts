// The snapshots table (migration 010): one row per slot of a video, keyed (video_key, slot). A row holds what
// only it knows — when it was taken, the counts, how they were read (a source code; none when the slot was
// missed) and what it was charged, with the ledger entry that posted the charge. Reads give it back in the
// shape the rest of the service uses (SnapshotRow), the video's id and the source's names filled in.
import { type ExpressionBuilder, sql } from 'kysely';
import { preparedInsertMany, preparedRead } from './prepared.ts';
import type { Database, VideoRow } from './schema.ts';
import { snapshotSourceCodes } from './snapshot-sources.ts';
import type { Executor, Tx } from './transaction.ts';

export interface NewSnapshot {
  videoKey: number;
  slot: number;
  takenAt: number;
  /** A slot that could not be collected: no counts, no provider, no charge. */
  missed: boolean;
  views: bigint | null;
  likes: bigint | null;
  comments: bigint | null;
  shares: bigint | null;
  saves: bigint | null;
  provider: string | null;
  approximate: boolean;
  /** What it is charged (0: test mode, missed). */
  chargedMicroUsd: number;
  /** The ledger entry that posts the charge; null when not charged. */
  ledgerEntryId: number | null;
}

/** A stored snapshot with counts as exact decimal strings. (A type, so insert helpers take it as a record.) */
export type SnapshotRow = {
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
  charged_micro_usd: number;
  /** The stored id of a snapshot recorded before migration 010; null for later ones, whose id is derived. */
  legacy_id: string | null;
};

/** The video a snapshot belongs to, as the snapshots table knows it. */
export type SnapshotOwner = Pick<VideoRow, 'id' | 'video_key'>;

const count = (value: bigint | null): string | null => (value === null ? null : value.toString());

/** How a new snapshot reads back (counts as decimal strings). */
export const snapshotRow = (videoId: string, s: NewSnapshot): SnapshotRow => ({
  video_id: videoId,
  slot: s.slot,
  taken_at: s.takenAt,
  missed: s.missed ? 1 : 0,
  views: count(s.views),
  likes: count(s.likes),
  comments: count(s.comments),
  shares: count(s.shares),
  saves: count(s.saves),
  provider: s.missed ? null : s.provider,
  approximate: s.approximate ? 1 : 0,
  charged_micro_usd: s.chargedMicroUsd,
  legacy_id: null,
});

const SNAPSHOT_COLUMNS = [
  'video_key',
  'slot',
  'taken_at',
  'views',
  'likes',
  'comments',
  'shares',
  'saves',
  'source',
  'charged_micro_usd',
  'ledger_entry_id',
] as const;

type SnapshotInsert = {
  video_key: number;
  slot: number;
  taken_at: number;
  views: string | null;
  likes: string | null;
  comments: string | null;
  shares: string | null;
  saves: string | null;
  source: number | null;
  charged_micro_usd: number;
  ledger_entry_id: number | null;
};

async function insertRows(tx: Tx, snapshots: readonly NewSnapshot[]): Promise<SnapshotInsert[]> {
  const collected = snapshots.filter((s) => !s.missed && s.provider !== null);
  const codeOf = await snapshotSourceCodes(
    tx,
    collected.map((s) => ({ provider: s.provider!, approximate: s.approximate })),
  );
  return snapshots.map((s) => ({
    video_key: s.videoKey,
    slot: s.slot,
    taken_at: s.takenAt,
    views: count(s.views),
    likes: count(s.likes),
    comments: count(s.comments),
    shares: count(s.shares),
    saves: count(s.saves),
    source:
      s.missed || s.provider === null ? null : codeOf({ provider: s.provider, approximate: s.approximate }),
    charged_micro_usd: s.chargedMicroUsd,
    ledger_entry_id: s.ledgerEntryId,
  }));
}

/** `video_key/slot`: how insertSnapshotsOnce names what it stored. */
export const slotKey = (videoKey: number, slot: number): string => `${videoKey}/${slot}`;

/**
 * Stores each snapshot unless its slot already has one; returns the slots this call stored (as slotKey).
 * The primary key (video_key, slot) makes a second attempt a no-op (and so never a second charge).
 */
export async function insertSnapshotsOnce(tx: Tx, snapshots: readonly NewSnapshot[]): Promise<Set<string>> {
  if (snapshots.length === 0) return new Set();
  const rows = await insertSnapshotRows(tx, await insertRows(tx, snapshots));
  return new Set(rows.map((row) => slotKey(Number(row.video_key), Number(row.slot))));
}

/**
 * Stores the first snapshots of videos created in the same transaction: no slot can have one yet, so there is
 * nothing to skip or report (a conflict would be a bug, and fails the transaction). Costs about half of
 * insertSnapshotsOnce on SQLite, which has to look for the conflict and return what it stored.
 */
export async function insertFirstSnapshots(tx: Tx, snapshots: readonly NewSnapshot[]): Promise<void> {
  if (snapshots.length === 0) return;
  await insertNewSnapshotRows(tx, await insertRows(tx, snapshots));
}

const insertSnapshotRows = preparedInsertMany(SNAPSHOT_COLUMNS, (tx, rows: SnapshotInsert[]) =>
  tx.db
    .insertInto('snapshots')
    .values(rows)
    .onConflict((oc) => oc.columns(['video_key', 'slot']).doNothing())
    .returning(['video_key', 'slot']),
);

const insertNewSnapshotRows = preparedInsertMany(SNAPSHOT_COLUMNS, (tx, rows: SnapshotInsert[]) =>
  tx.db.insertInto('snapshots').values(rows),
);

/** A slot that could not be collected: a row with no counts (never charged). */
export function missedSnapshot(videoKey: number, slot: number, takenAt: number): NewSnapshot {
  return {
    videoKey,
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
    chargedMicroUsd: 0,
    ledgerEntryId: null,
  };
}

export async function insertSnapshotOnce(tx: Tx, snapshot: NewSnapshot): Promise<boolean> {
  return (await insertSnapshotsOnce(tx, [snapshot])).size === 1;
}

// ---- Reads ----

type SnapshotsFrom = Database & {
  s: Database['snapshots'];
  src: Database['snapshot_sources'];
  legacy: Database['snapshot_legacy_ids'];
};

/** The snapshots (as `s`) with their source's names and their pre-010 ids. */
export function snapshotsWithNames(ex: Executor) {
  return ex.db
    .selectFrom('snapshots as s')
    .leftJoin('snapshot_sources as src', 'src.code', 's.source')
    .leftJoin('snapshot_legacy_ids as legacy', (join) =>
      join.onRef('legacy.video_key', '=', 's.video_key').onRef('legacy.slot', '=', 's.slot'),
    );
}

/**
 * The columns of a SnapshotRow, but the video's id (each query adds it: a parameter when it reads one video,
 * the videos' column when several). Counts are cast to text in SQL so values beyond 2^53 arrive exact.
 */
export const snapshotColumns = (eb: ExpressionBuilder<SnapshotsFrom, 's' | 'src' | 'legacy'>) =>
  [
    's.slot',
    's.taken_at',
    eb.case().when('s.source', 'is', null).then(1).else(0).end().as('missed'),
    sql<string | null>`cast(s.views as text)`.as('views'),
    sql<string | null>`cast(s.likes as text)`.as('likes'),
    sql<string | null>`cast(s.comments as text)`.as('comments'),
    sql<string | null>`cast(s.shares as text)`.as('shares'),
    sql<string | null>`cast(s.saves as text)`.as('saves'),
    'src.provider',
    eb.fn.coalesce('src.approximate', eb.lit(0)).as('approximate'),
    's.charged_micro_usd',
    'legacy.id as legacy_id',
  ] as const;

/** A video's id as a value each row carries (cast: PostgreSQL must know a parameter's type). */
const videoIdValue = (id: string) => sql<string>`cast(${id} as text)`.as('video_id');

/** One video's snapshots, its id given as a value the rows carry. */
function ofVideo(ex: Executor, owner: SnapshotOwner) {
  return snapshotsWithNames(ex)
    .select((eb) => [videoIdValue(owner.id), ...snapshotColumns(eb)])
    .where('s.video_key', '=', owner.video_key);
}

export interface SnapshotQuery {
  video: SnapshotOwner;
  includeMissed?: boolean;
  sinceMs?: number;
  untilMs?: number;
  afterSlot?: number;
  limit?: number;
}

/** Oldest first. */
export async function listSnapshots(ex: Executor, q: SnapshotQuery): Promise<SnapshotRow[]> {
  let query = ofVideo(ex, q.video);
  if (!q.includeMissed) query = query.where('s.source', 'is not', null);
  if (q.sinceMs !== undefined) query = query.where('s.taken_at', '>=', q.sinceMs);
  if (q.untilMs !== undefined) query = query.where('s.taken_at', '<', q.untilMs);
  if (q.afterSlot !== undefined) query = query.where('s.slot', '>', q.afterSlot);
  query = query.orderBy('s.slot', 'asc');
  if (q.limit !== undefined) query = query.limit(q.limit);
  return query.execute();
}

const newestCollected = preparedRead((ex, videoId: string, videoKey: number) =>
  snapshotsWithNames(ex)
    .select((eb) => [videoIdValue(videoId), ...snapshotColumns(eb)])
    .where('s.video_key', '=', videoKey)
    .where('s.source', 'is not', null)
    .orderBy('s.slot', 'desc')
    .limit(1),
);

const newestCollectedBefore = preparedRead((ex, videoId: string, videoKey: number, beforeSlot: number) =>
  snapshotsWithNames(ex)
    .select((eb) => [videoIdValue(videoId), ...snapshotColumns(eb)])
    .where('s.video_key', '=', videoKey)
    .where('s.source', 'is not', null)
    .where('s.slot', '<', beforeSlot)
    .orderBy('s.slot', 'desc')
    .limit(1),
);

/** The newest collected snapshot of one video before a slot (what the growth of that slot is measured from). */
export async function collectedSnapshotBefore(
  ex: Executor,
  video: SnapshotOwner,
  slot: number,
): Promise<SnapshotRow | undefined> {
  return (await newestCollectedBefore(ex, video.id, video.video_key, slot))[0];
}

/** The newest collected snapshot of one video. */
export async function latestSnapshot(ex: Executor, video: SnapshotOwner): Promise<SnapshotRow | undefined> {
  return (await newestCollected(ex, video.id, video.video_key))[0];
}

/** Snapshots taken in [sinceMs, untilMs). */
export interface TimeWindow {
  sinceMs?: number;
  untilMs?: number;
}

/**
 * The query for the first or the newest collected snapshot of each of these videos (inside `window` when given),
 * with its video's id: one row per video that has one. The caller runs it (the exports on their read-only
 * connection).
 */
export function edgeCollectedSnapshots(
  ex: Executor,
  videos: readonly SnapshotOwner[],
  which: 'first' | 'newest',
  window: TimeWindow = {},
) {
  return snapshotsWithNames(ex)
    .innerJoin('videos as v', 'v.video_key', 's.video_key')
    .select((eb) => ['v.id as video_id', ...snapshotColumns(eb)])
    .where(
      's.video_key',
      'in',
      videos.map((v) => v.video_key),
    )
    .where('s.source', 'is not', null)
    .where((eb) =>
      eb(
        's.slot',
        '=',
        eb
          .selectFrom('snapshots as edge')
          .select((e) => (which === 'first' ? e.fn.min('edge.slot') : e.fn.max('edge.slot')).as('m'))
          .whereRef('edge.video_key', '=', 's.video_key')
          .where('edge.source', 'is not', null)
          .$if(window.sinceMs !== undefined, (q) => q.where('edge.taken_at', '>=', window.sinceMs!))
          .$if(window.untilMs !== undefined, (q) => q.where('edge.taken_at', '<', window.untilMs!)),
      ),
    );
}

/** The newest collected snapshot of each of these videos. */
export async function latestSnapshots(
  ex: Executor,
  videos: readonly SnapshotOwner[],
): Promise<Map<string, SnapshotRow>> {
  const result = new Map<string, SnapshotRow>();
  if (videos.length === 0) return result;
  for (const row of await edgeCollectedSnapshots(ex, videos, 'newest').execute())
    result.set(row.video_id, row);
  return result;
}

/** A video's collected and missed snapshots up to and including `slot`. */
export async function snapshotCountsThrough(
  ex: Executor,
  video: SnapshotOwner,
  slot: number,
): Promise<{ collected: number; missed: number }> {
  const row = await ex.db
    .selectFrom('snapshots')
    .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('source').as('collected')])
    .where('video_key', '=', video.video_key)
    .where('slot', '<=', slot)
    .executeTakeFirstOrThrow();
  const collected = Number(row.collected ?? 0);
  return { collected, missed: Number(row.total) - collected };
}
