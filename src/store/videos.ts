import { sql } from 'kysely';
import { preparedForIds, preparedInsertMany, preparedQuery, preparedRead } from './prepared.ts';
import type { Mode, NewVideo, UnkeyedVideoRow, VideoRow, VideoStatus } from './schema.ts';
import { videosCarryingTags } from './tags.ts';
import type { Executor, Tx } from './transaction.ts';

const VIDEO_COLUMNS: readonly (keyof NewVideo & string)[] = [
  'id',
  'video_key',
  'job_id',
  'account_id',
  'mode',
  'platform',
  'platform_video_id',
  'video_link',
  'canonical_url',
  'title',
  'creator',
  'description',
  'status',
  'is_deleted',
  'error_reason',
  'duration_days',
  'interval_seconds',
  'total_slots',
  'cost_per_snapshot_micro_usd',
  'reserved_micro_usd',
  'next_slot',
  'next_due_at',
  'attempts',
  'snapshots_collected',
  'snapshots_missed',
  'charged_micro_usd',
  'created_at',
  'last_updated_at',
  'ended_at',
  'metadata',
  'tags',
];

const insertVideoRows = preparedInsertMany(VIDEO_COLUMNS, (ex, videos: NewVideo[]) =>
  ex.db.insertInto('videos').values(videos),
);

/** Stores new videos, each given its key (videos.video_key); answers them as stored. */
export async function insertVideos(tx: Tx, videos: readonly UnkeyedVideoRow[]): Promise<VideoRow[]> {
  const keys = await newVideoKeys(tx, videos.length);
  const keyed = videos.map((video, i) => keyedVideoRow(video, keys[i]!));
  await insertVideoRows(tx, keyed);
  return keyed;
}

/**
 * The stored row of a new video: every field named. A spread that adds fields to a 30-field object
 * (`{ ...video, video_key }`) takes V8's slow path, about 3 µs a row against 0.01 µs for this literal (measured),
 * and its result was slower to read everywhere after (a bisect of POST /videos/track's CPU found both). The
 * compiler holds the list complete: VideoRow's every field must be here, and nothing else.
 */
function keyedVideoRow(video: UnkeyedVideoRow, videoKey: number): VideoRow {
  return {
    id: video.id,
    video_key: videoKey,
    job_id: video.job_id,
    account_id: video.account_id,
    mode: video.mode,
    platform: video.platform,
    platform_video_id: video.platform_video_id,
    video_link: video.video_link,
    canonical_url: video.canonical_url,
    title: video.title,
    creator: video.creator,
    description: video.description,
    status: video.status,
    is_deleted: video.is_deleted,
    error_reason: video.error_reason,
    duration_days: video.duration_days,
    interval_seconds: video.interval_seconds,
    total_slots: video.total_slots,
    cost_per_snapshot_micro_usd: video.cost_per_snapshot_micro_usd,
    reserved_micro_usd: video.reserved_micro_usd,
    next_slot: video.next_slot,
    next_due_at: video.next_due_at,
    attempts: video.attempts,
    snapshots_collected: video.snapshots_collected,
    snapshots_missed: video.snapshots_missed,
    charged_micro_usd: video.charged_micro_usd,
    created_at: video.created_at,
    last_updated_at: video.last_updated_at,
    ended_at: video.ended_at,
    metadata: video.metadata,
    tags: video.tags,
    snapshots_pruned_at: null,
  };
}

const largestVideoKey = preparedQuery((tx) =>
  tx.db.selectFrom('videos').select((eb) => eb.fn.max('video_key').as('key')),
);

/**
 * Keys for `count` new videos, in creation order. SQLite: the next integers after the largest
 * (the write lock is held, so no other writer can take them). PostgreSQL: from the `video_keys` sequence,
 * whose blocks are the snapshots' partitions (snapshot-partitions.ts).
 */
async function newVideoKeys(tx: Tx, count: number): Promise<number[]> {
  if (count === 0) return [];
  if (tx.dialect === 'sqlite') {
    const [row] = await largestVideoKey(tx);
    const largest = Number(row?.key ?? 0);
    return Array.from({ length: count }, (_, i) => largest + 1 + i);
  }
  const result = await sql<{ n: string | number }>`
    select nextval('video_keys') as n from generate_series(1, ${count}::integer)`.execute(tx.db);
  return result.rows.map((row) => Number(row.n));
}

const ownedVideo = preparedRead((ex, id: string, accountId: string, mode: Mode) =>
  ex.db
    .selectFrom('videos')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('mode', '=', mode),
);

/** A video as its owner sees it: another account's id (or the other mode's) is simply not found. */
export async function findOwnedVideo(
  ex: Executor,
  accountId: string,
  mode: Mode,
  id: string,
): Promise<VideoRow | undefined> {
  return (await ownedVideo(ex, id, accountId, mode))[0];
}

const videoById = preparedRead((ex, id: string) =>
  ex.db.selectFrom('videos').selectAll().where('id', '=', id),
);

export async function findVideo(ex: Executor, id: string): Promise<VideoRow | undefined> {
  return (await videoById(ex, id))[0];
}

const videoByIdForUpdate = preparedQuery((tx, id: string) => {
  const query = tx.db.selectFrom('videos').selectAll().where('id', '=', id);
  return tx.dialect === 'postgres' ? query.forUpdate() : query;
});

/** Reads a video inside a write transaction, locking its row on PostgreSQL. */
export async function lockVideo(tx: Tx, id: string): Promise<VideoRow | undefined> {
  return (await videoByIdForUpdate(tx, id))[0];
}

/** The columns recording a snapshot reads (whole rows cost more to read than the rest of the work). */
const RECORDING_COLUMNS = [
  'id',
  'video_key',
  'account_id',
  'mode',
  'status',
  'next_slot',
  'total_slots',
  'reserved_micro_usd',
  'cost_per_snapshot_micro_usd',
  'created_at',
  'interval_seconds',
  'title',
  'creator',
  'description',
] as const;
export type RecordingVideo = Pick<VideoRow, (typeof RECORDING_COLUMNS)[number]>;

/**
 * Reads several videos for recording inside a write transaction (PostgreSQL locks them, in id order to avoid
 * deadlocks).
 */
export async function lockVideosForRecording(
  tx: Tx,
  ids: readonly string[],
): Promise<Map<string, RecordingVideo>> {
  const rows = await recordingVideos(tx, ids);
  return new Map(rows.map((row) => [row.id, row]));
}

const recordingVideos = preparedForIds((tx, ids) => {
  const query = tx.db.selectFrom('videos').select(RECORDING_COLUMNS).where('id', 'in', ids).orderBy('id');
  return tx.dialect === 'postgres' ? query.forUpdate() : query;
});

/**
 * After each of these videos stored the snapshot of its next slot: one step forward, the slot's cost out of
 * its reservation (live mode), and the following slot's due time — computed in SQL, one statement for all.
 */
export async function advanceVideosOneSlot(tx: Tx, ids: readonly string[], now: number): Promise<void> {
  await advanceVideos(tx, ids, now);
}

const advanceVideos = preparedForIds((tx, ids, now: number) => advanceQuery(tx, ids, now));

function advanceQuery(tx: Executor, ids: readonly string[], now: number) {
  return tx.db
    .updateTable('videos')
    .set((eb) => ({
      next_slot: eb('next_slot', '+', 1),
      snapshots_collected: eb('snapshots_collected', '+', 1),
      // The snapshot's charge, as snapshotChargeMicroUsd in billing/pricing.ts says (the store imports nothing
      // of ours, so the rule is repeated here; billing/pricing.test.ts holds the two equal on both dialects).
      reserved_micro_usd: eb(
        'reserved_micro_usd',
        '-',
        eb.case().when('mode', '=', 'live').then(eb.ref('cost_per_snapshot_micro_usd')).else(0).end(),
      ),
      charged_micro_usd: eb(
        'charged_micro_usd',
        '+',
        eb.case().when('mode', '=', 'live').then(eb.ref('cost_per_snapshot_micro_usd')).else(0).end(),
      ),
      // SET reads the row's old values in both dialects, so this is the due time of the slot after next_slot.
      next_due_at: sql<number>`created_at + (next_slot + 1) * interval_seconds * 1000`,
      attempts: 0,
      last_updated_at: now,
    }))
    .where('id', 'in', ids);
}

export interface VideoListQuery {
  accountId: string;
  mode: Mode;
  platform?: string;
  status?: VideoStatus;
  /** Matches the submitted link or the canonical URL. */
  links?: string[];
  /** Only videos carrying every one of these tags (their comparison forms, see tagKey in tags.ts). */
  tagKeys?: string[];
  /** Only videos older than this one (cursor). */
  before?: { createdAt: number; id: string };
  limit: number;
}

/** Newest first; fetches one extra row so the caller knows whether there is more. */
export async function listVideos(ex: Executor, q: VideoListQuery): Promise<VideoRow[]> {
  const [firstTag, ...otherTags] = q.tagKeys ?? [];
  if (firstTag !== undefined) return listTaggedVideos(ex, q, [firstTag, ...otherTags]);
  let query = ex.db
    .selectFrom('videos')
    .selectAll()
    .where('account_id', '=', q.accountId)
    .where('mode', '=', q.mode);
  if (q.platform) query = query.where('platform', '=', q.platform);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.links && q.links.length > 0) {
    const links = q.links;
    query = query.where((eb) => eb.or([eb('video_link', 'in', links), eb('canonical_url', 'in', links)]));
  }
  if (q.before) {
    const { createdAt, id } = q.before;
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', createdAt),
        eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)]),
      ]),
    );
  }
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
}

/** The tag filter (videosCarryingTags, shared with the exports), newest first before the cursor. */
async function listTaggedVideos(
  ex: Executor,
  q: VideoListQuery,
  tagKeys: readonly [string, ...string[]],
): Promise<VideoRow[]> {
  let query = videosCarryingTags(ex, q.accountId, q.mode, tagKeys).selectAll('videos');
  if (q.platform) query = query.where('videos.platform', '=', q.platform);
  if (q.status) query = query.where('videos.status', '=', q.status);
  if (q.links && q.links.length > 0) {
    const links = q.links;
    query = query.where((eb) =>
      eb.or([eb('videos.video_link', 'in', links), eb('videos.canonical_url', 'in', links)]),
    );
  }
  if (q.before) {
    const { createdAt, id } = q.before;
    query = query.where((eb) =>
      eb.or([
        eb('t.video_created_at', '<', createdAt),
        eb.and([eb('t.video_created_at', '=', createdAt), eb('t.video_id', '<', id)]),
      ]),
    );
  }
  return query
    .orderBy('t.video_created_at', 'desc')
    .orderBy('t.video_id', 'desc')
    .limit(q.limit + 1)
    .execute();
}

/**
 * How many videos the account monitors (or has paused) in a mode, counting no further than `atMost`: a limit
 * check needs only to know whether the limit is reached, and must not cost more for bigger accounts.
 */
export async function countActiveVideos(
  ex: Executor,
  accountId: string,
  mode: Mode,
  atMost: number,
): Promise<number> {
  const [row] = await activeVideoCount(ex, accountId, mode, atMost);
  return Number(row?.n ?? 0);
}

const activeVideoCount = preparedRead((ex, accountId: string, mode: Mode, atMost: number) =>
  ex.db
    .selectFrom((eb) =>
      eb
        .selectFrom('videos')
        .select('id')
        .where('account_id', '=', accountId)
        .where('mode', '=', mode)
        .where('status', 'in', ['monitoring', 'paused'])
        .limit(atMost)
        .as('active'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n')),
);

export async function updateVideo(tx: Tx, id: string, changes: Partial<VideoRow>): Promise<void> {
  await tx.db.updateTable('videos').set(changes).where('id', '=', id).execute();
}

/** What the scheduler needs to know of a due video to collect it (reading whole rows costs more than it saves). */
const DUE_VIDEO_COLUMNS = [
  'id',
  'mode',
  'platform',
  'platform_video_id',
  'canonical_url',
  'next_slot',
  'total_slots',
  'created_at',
  'interval_seconds',
  'next_due_at',
] as const;
export type DueVideo = Pick<VideoRow, (typeof DUE_VIDEO_COLUMNS)[number]>;

/**
 * Leases up to `limit` due videos (next_due_at <= now) by moving their next_due_at to `leaseUntil`, and
 * returns them as they were. A lease that is never settled (the process died) simply expires and the slot
 * is collected again; UNIQUE(video, slot) keeps that from ever storing or charging twice. PostgreSQL skips
 * rows another worker is leasing at the same moment.
 */
export async function leaseDueVideos(
  ex: Executor,
  lease: { now: number; leaseUntil: number; limit: number },
): Promise<DueVideo[]> {
  const due = ex.db
    .selectFrom('videos')
    .select('id')
    .where('next_due_at', '<=', lease.now)
    .orderBy('next_due_at', 'asc')
    .limit(lease.limit);
  const rows = await ex.db
    .updateTable('videos')
    .set({ next_due_at: lease.leaseUntil })
    .where('id', 'in', ex.dialect === 'postgres' ? due.forUpdate().skipLocked() : due)
    .returning(DUE_VIDEO_COLUMNS)
    .execute();
  return rows;
}

/**
 * Embedded mode (this process is the only scheduler): the due videos after `after` in (next_due_at, id) order,
 * without writing a lease. A pass pages through what was due when it began; a video the pass reschedules to a
 * time already past falls behind the cursor and waits for the next pass, so a pass always ends.
 */
export async function findDueVideos(
  ex: Executor,
  page: { now: number; after: { dueAt: number; id: string } | null; limit: number },
): Promise<DueVideo[]> {
  let query = ex.db.selectFrom('videos').select(DUE_VIDEO_COLUMNS).where('next_due_at', '<=', page.now);
  const after = page.after;
  if (after) {
    // A row-value comparison, so the (next_due_at, id) index serves both the range and the order.
    query = query.where((eb) => eb(eb.refTuple('next_due_at', 'id'), '>', eb.tuple(after.dueAt, after.id)));
  }
  return query.orderBy('next_due_at', 'asc').orderBy('id', 'asc').limit(page.limit).execute();
}

/**
 * Embedded mode only (one process owns the scheduler): leases left by a previous process that died are
 * handed back at start-up so their slots are collected at once instead of after the lease expires.
 */
export async function releaseAbandonedLeases(ex: Executor, now: number): Promise<number> {
  const result = await ex.db
    .updateTable('videos')
    .set((eb) => ({
      next_due_at: eb('created_at', '+', eb('next_slot', '*', eb('interval_seconds', '*', 1000))),
    }))
    .where('next_due_at', '>', now)
    .where('status', '=', 'monitoring')
    // Only rows whose next_due_at is past their slot's own due time: leases and retry backoffs.
    .where((eb) =>
      eb('next_due_at', '>', eb('created_at', '+', eb('next_slot', '*', eb('interval_seconds', '*', 1000)))),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Puts a leased video back to be collected at `at` (held back by a circuit breaker, or after a crash). */
export async function rescheduleVideo(ex: Executor, id: string, at: number): Promise<void> {
  await ex.db
    .updateTable('videos')
    .set({ next_due_at: at })
    .where('id', '=', id)
    .where('status', '=', 'monitoring')
    .execute();
}

/** Videos being monitored now, over all accounts and modes (a gauge for /metrics). */
export async function countMonitoringVideos(ex: Executor): Promise<number> {
  const row = await ex.db
    .selectFrom('videos')
    // Monitoring videos are exactly those with a next due time, so the scheduler's index answers this.
    .where('next_due_at', 'is not', null)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
