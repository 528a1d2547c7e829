// The queries behind the exports (account-wide, per share link, and the CLI's): keyset pages over an account's
// videos and their snapshots, each one short and served by an index, so an export of any size holds one page
// in memory and stops between two pages when its reader goes away.
import { type Compilable, sql } from 'kysely';
import type { Store } from './database.ts';
import type { Mode, VideoRow, VideoStatus } from './schema.ts';
import {
  edgeCollectedSnapshots,
  type SnapshotOwner,
  type SnapshotRow,
  snapshotColumns,
  snapshotsWithNames,
  type TimeWindow,
} from './snapshots.ts';
import { tagKey, videosCarryingTags } from './tags.ts';
import type { Executor } from './transaction.ts';

/** Which videos an export covers: always one account in one mode, narrowed by the list filters. */
export interface ExportScope {
  accountId: string;
  mode: Mode;
  platform?: string;
  status?: VideoStatus;
  /** Only videos carrying every one of these tags (compared case-insensitively). */
  tags?: readonly string[];
  /** Only this video (a share link of one video). */
  videoId?: string;
}

const EXPORT_VIDEO_COLUMNS = [
  'id',
  'video_key',
  'job_id',
  'video_link',
  'canonical_url',
  'platform',
  'title',
  'creator',
  'status',
  'created_at',
  'ended_at',
  'snapshots_collected',
  'snapshots_missed',
  'tags',
] as const;
export type ExportVideo = Pick<VideoRow, (typeof EXPORT_VIDEO_COLUMNS)[number]>;

export interface VideoCursor {
  createdAt: number;
  id: string;
}

/** The scope's videos after the cursor, oldest first (the account's listing index, read forwards). */
export async function exportVideosPage(
  ex: Executor,
  scope: ExportScope,
  after: VideoCursor | undefined,
  limit: number,
): Promise<ExportVideo[]> {
  const [firstTag, ...otherTags] = (scope.tags ?? []).map(tagKey);
  const rows =
    firstTag !== undefined
      ? await taggedVideosPage(ex, scope, [firstTag, ...otherTags], after, limit)
      : await untaggedVideosPage(ex, scope, after, limit);
  // PostgreSQL hands back BIGINT columns as numbers (database.ts); SQLite already does.
  return rows.map((row) => ({ ...row, created_at: Number(row.created_at) }));
}

async function untaggedVideosPage(
  ex: Executor,
  scope: ExportScope,
  after: VideoCursor | undefined,
  limit: number,
): Promise<ExportVideo[]> {
  let query = ex.db
    .selectFrom('videos')
    .select(EXPORT_VIDEO_COLUMNS)
    .where('account_id', '=', scope.accountId)
    .where('mode', '=', scope.mode);
  if (scope.platform !== undefined) query = query.where('platform', '=', scope.platform);
  if (scope.status !== undefined) query = query.where('status', '=', scope.status);
  if (scope.videoId !== undefined) query = query.where('id', '=', scope.videoId);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)),
    );
  }
  return readCommitted(ex, query.orderBy('created_at', 'asc').orderBy('id', 'asc').limit(limit));
}

/**
 * The tag filter (videosCarryingTags, shared with the video list), oldest first after the cursor.
 */
async function taggedVideosPage(
  ex: Executor,
  scope: ExportScope,
  tagKeys: readonly [string, ...string[]],
  after: VideoCursor | undefined,
  limit: number,
): Promise<ExportVideo[]> {
  let query = videosCarryingTags(ex, scope.accountId, scope.mode, tagKeys).select(
    EXPORT_VIDEO_COLUMNS.map((column) => `videos.${column}` as const),
  );
  if (scope.platform !== undefined) query = query.where('videos.platform', '=', scope.platform);
  if (scope.status !== undefined) query = query.where('videos.status', '=', scope.status);
  if (scope.videoId !== undefined) query = query.where('videos.id', '=', scope.videoId);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('t.video_created_at', 't.video_id'), '>', eb.tuple(after.createdAt, after.id)),
    );
  }
  return readCommitted(
    ex,
    query.orderBy('t.video_created_at', 'asc').orderBy('t.video_id', 'asc').limit(limit),
  );
}

/**
 * Collected snapshots of one video after a slot, oldest first: the snapshots' primary key (video, slot), read
 * forwards from the cursor.
 */
export async function exportSnapshotsPage(
  ex: Executor,
  video: SnapshotOwner,
  afterSlot: number,
  window: TimeWindow,
  limit: number,
): Promise<SnapshotRow[]> {
  let query = snapshotsWithNames(ex)
    .select((eb) => [sql<string>`cast(${video.id} as text)`.as('video_id'), ...snapshotColumns(eb)])
    .where('s.video_key', '=', video.video_key)
    .where('s.slot', '>', afterSlot)
    .where('s.source', 'is not', null);
  if (window.sinceMs !== undefined) query = query.where('s.taken_at', '>=', window.sinceMs);
  if (window.untilMs !== undefined) query = query.where('s.taken_at', '<', window.untilMs);
  // Times arrive as numbers on both dialects (BIGINT is parsed as a number on PostgreSQL, database.ts).
  return readCommitted(ex, query.orderBy('s.slot', 'asc').limit(limit));
}

/**
 * The first or the newest collected snapshot of each of these videos inside the window (a video with none
 * there is absent from the map). Slots and times rise together, so the window bounds the slots.
 */
export async function boundarySnapshots(
  ex: Executor,
  videos: readonly SnapshotOwner[],
  window: TimeWindow,
  which: 'first' | 'newest',
): Promise<Map<string, SnapshotRow>> {
  const found = new Map<string, SnapshotRow>();
  if (videos.length === 0) return found;
  const query = edgeCollectedSnapshots(ex, videos, which, window);
  for (const row of await readCommitted(ex, query)) {
    found.set(row.video_id, { ...row, taken_at: Number(row.taken_at) });
  }
  return found;
}

/**
 * Runs a read. On SQLite, outside a transaction, it goes to the read-only connection, which sees committed
 * data and never waits behind the writes the scheduler keeps making while a long export runs.
 */
async function readCommitted<Row>(ex: Executor, query: Compilable<Row>): Promise<Row[]> {
  const compiled = query.compile();
  const reader = ex.sqliteTransaction ? undefined : (ex as Partial<Store>).readCommitted;
  if (reader) return reader.statement(compiled.sql).all(...compiled.parameters) as Row[];
  return (await ex.db.executeQuery(compiled)).rows;
}
