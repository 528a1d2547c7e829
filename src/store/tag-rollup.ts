// The campaign roll-up (GET /tags/{tag}/summary): what the videos carrying a tag add up to. Every read of
// snapshots it makes is here, so a change to the snapshots table has one place to follow.
//
// Its cost does not grow with the number of snapshots: per video it makes a few seeks on the snapshots' key
// (video_key, slot) — the newest collected slot, the newest collected at or before now − 24 h and now − 7 d,
// and the first — each reading one row, or a few when neighbouring slots were missed. A slot is never taken
// before it is due (created_at + slot × interval), so the newest slot taken at or before a time t is at most
// floor((t − created_at) / interval): the seek starts there instead of walking back from the newest slot.
// The statement differs by dialect only in how it asks for those rows (see rollupSumsQuery).
import { type ExpressionBuilder, sql } from 'kysely';
import type { Database, Mode, VideoStatus } from './schema.ts';
import type { Executor } from './transaction.ts';

export const ROLLUP_METRICS = ['views', 'likes', 'comments', 'shares', 'saves'] as const;
export type RollupMetric = (typeof ROLLUP_METRICS)[number];
/** Σ over the videos of a metric, as an exact decimal string; null when no video has the metric. */
export type MetricSums = Record<RollupMetric, string | null>;

export interface TagRollup {
  videos: number;
  byStatus: Partial<Record<VideoStatus, number>>;
  byPlatform: Record<string, number>;
  /** Σ of each video's newest collected value. */
  totals: MetricSums;
  /**
   * Σ of each video's growth: its newest value minus its newest value at or before now − 24 h (now − 7 d); a
   * video with no snapshot that old counts from its first snapshot (the growth seen since tracking began).
   */
  growth24h: MetricSums;
  growth7d: MetricSums;
  /** Σ of what the videos' collected snapshots were charged (live mode; test mode is free). */
  chargedMicroUsd: number;
  /** taken_at of the newest collected snapshot of any of the videos. */
  newestSnapshotAt: number | null;
}

const DAY_MS = 86_400_000;

type Tagged = ExpressionBuilder<Database & { v: Database['videos'] }, 'v'>;

/** The slot of a video's newest collected snapshot taken at or before `at` (none: null). */
function collectedSlotAtOrBefore(eb: Tagged, at: number) {
  return eb
    .selectFrom('snapshots as s')
    .select('s.slot')
    .whereRef('s.video_key', '=', 'v.video_key')
    .where('s.source', 'is not', null)
    .where(
      's.slot',
      '<=',
      sql<number>`(${at} - ${eb.ref('v.created_at')}) / (${eb.ref('v.interval_seconds')} * 1000)`,
    )
    .where('s.taken_at', '<=', at)
    .orderBy('s.slot', 'desc')
    .limit(1);
}

function collectedSlotAtEnd(eb: Tagged, direction: 'asc' | 'desc') {
  return eb
    .selectFrom('snapshots as s')
    .select('s.slot')
    .whereRef('s.video_key', '=', 'v.video_key')
    .where('s.source', 'is not', null)
    .orderBy('s.slot', direction)
    .limit(1);
}

/** The videos of an account and mode carrying a tag, each with the slots the roll-up reads. */
function taggedVideos(ex: Executor, q: { accountId: string; mode: Mode; tagKey: string; now: number }) {
  return ex.db
    .selectFrom('video_tags as t')
    .innerJoin('videos as v', 'v.id', 't.video_id')
    .where('t.account_id', '=', q.accountId)
    .where('t.mode', '=', q.mode)
    .where('t.tag_key', '=', q.tagKey)
    .select((eb) => [
      'v.id',
      'v.video_key',
      'v.charged_micro_usd',
      collectedSlotAtEnd(eb, 'desc').as('latest_slot'),
      collectedSlotAtEnd(eb, 'asc').as('first_slot'),
      collectedSlotAtOrBefore(eb, q.now - DAY_MS).as('day_slot'),
      collectedSlotAtOrBefore(eb, q.now - 7 * DAY_MS).as('week_slot'),
    ]);
}

type RollupQuery = { accountId: string; mode: Mode; tagKey: string; now: number };

/** The sums of the tagged videos' newest values, growth and charges: one statement (exported for EXPLAIN). */
export function rollupSumsQuery(ex: Executor, q: RollupQuery) {
  return ex.dialect === 'postgres' ? rollupSumsPostgres(ex, q) : rollupSumsSqlite(ex, q);
}

// What the videos' snapshots were charged: each video's running Σ of the charges its snapshots carry (kept with
// them, migration 010), so the sum reads one value per video instead of every snapshot.
const chargedSum = (video: string) =>
  sql<string | number | null>`sum(${sql.ref(`${video}.charged_micro_usd`)})`.as('charged');

/**
 * SQLite: the slots found by correlated subqueries, then the rows by their key. SQLite's planner always walks
 * the tagged videos and looks each row up by (video_key, slot).
 */
function rollupSumsSqlite(ex: Executor, q: RollupQuery) {
  return ex.db
    .with('tagged', () => taggedVideos(ex, q))
    .selectFrom('tagged')
    .leftJoin('snapshots as l', (j) =>
      j.onRef('l.video_key', '=', 'tagged.video_key').onRef('l.slot', '=', 'tagged.latest_slot'),
    )
    .leftJoin('snapshots as d', (j) =>
      j
        .onRef('d.video_key', '=', 'tagged.video_key')
        .on((eb) => eb('d.slot', '=', eb.fn.coalesce('tagged.day_slot', 'tagged.first_slot'))),
    )
    .leftJoin('snapshots as w', (j) =>
      j
        .onRef('w.video_key', '=', 'tagged.video_key')
        .on((eb) => eb('w.slot', '=', eb.fn.coalesce('tagged.week_slot', 'tagged.first_slot'))),
    )
    .select((eb) => [
      ...ROLLUP_METRICS.flatMap((m) => [
        sql<string | null>`cast(sum(${sql.ref(`l.${m}`)}) as text)`.as(`total_${m}`),
        sql<string | null>`cast(sum(${sql.ref(`l.${m}`)} - ${sql.ref(`d.${m}`)}) as text)`.as(`day_${m}`),
        sql<string | null>`cast(sum(${sql.ref(`l.${m}`)} - ${sql.ref(`w.${m}`)}) as text)`.as(`week_${m}`),
      ]),
      chargedSum('tagged'),
      eb.fn.max('l.taken_at').as('newest'),
    ]);
}

/**
 * PostgreSQL: each row fetched by a LATERAL subquery ending in LIMIT 1, which can only be an index seek. (Joined
 * by a computed slot instead, the planner estimates a hash join over the whole snapshots table as cheaper, and
 * the summary then reads every snapshot: 7 s at 10,000 videos × 168 snapshots, measured.)
 */
function rollupSumsPostgres(ex: Executor, q: RollupQuery) {
  const newestCollected = (eb: Tagged) =>
    eb
      .selectFrom('snapshots as s')
      .select(['s.slot', 's.taken_at', ...ROLLUP_METRICS.map((m) => `s.${m}` as const)])
      .whereRef('s.video_key', '=', 'v.video_key')
      .where('s.source', 'is not', null);
  const atOrBefore = (eb: Tagged, at: number) =>
    newestCollected(eb)
      .where(
        's.slot',
        '<=',
        sql<number>`(${at}::bigint - ${eb.ref('v.created_at')}) / (${eb.ref('v.interval_seconds')} * 1000)`,
      )
      .where('s.taken_at', '<=', at)
      .orderBy('s.slot', 'desc')
      .limit(1);
  // A video with no snapshot as old as the window counts from its first.
  const base = (point: 'd' | 'w', m: RollupMetric) =>
    sql`case when ${sql.ref(`${point}.slot`)} is null then ${sql.ref(`f.${m}`)} else ${sql.ref(`${point}.${m}`)} end`;
  return ex.db
    .selectFrom('video_tags as t')
    .innerJoin('videos as v', 'v.id', 't.video_id')
    .where('t.account_id', '=', q.accountId)
    .where('t.mode', '=', q.mode)
    .where('t.tag_key', '=', q.tagKey)
    .leftJoinLateral(
      (eb) => newestCollected(eb).orderBy('s.slot', 'desc').limit(1).as('l'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) => newestCollected(eb).orderBy('s.slot', 'asc').limit(1).as('f'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) => atOrBefore(eb, q.now - DAY_MS).as('d'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) => atOrBefore(eb, q.now - 7 * DAY_MS).as('w'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      ...ROLLUP_METRICS.flatMap((m) => [
        sql<string | null>`cast(sum(${sql.ref(`l.${m}`)}) as text)`.as(`total_${m}`),
        sql<string | null>`cast(sum(${sql.ref(`l.${m}`)} - ${base('d', m)}) as text)`.as(`day_${m}`),
        sql<string | null>`cast(sum(${sql.ref(`l.${m}`)} - ${base('w', m)}) as text)`.as(`week_${m}`),
      ]),
      chargedSum('v'),
      eb.fn.max('l.taken_at').as('newest'),
    ]);
}

export async function tagRollup(
  ex: Executor,
  q: { accountId: string; mode: Mode; tagKey: string; now: number },
): Promise<TagRollup | undefined> {
  const counts = await ex.db
    .selectFrom('video_tags as t')
    .innerJoin('videos as v', 'v.id', 't.video_id')
    .where('t.account_id', '=', q.accountId)
    .where('t.mode', '=', q.mode)
    .where('t.tag_key', '=', q.tagKey)
    .groupBy(['v.status', 'v.platform'])
    .select((eb) => ['v.status', 'v.platform', eb.fn.countAll<number | string>().as('n')])
    .execute();
  if (counts.length === 0) return undefined;

  const sums =
    ex.dialect === 'postgres'
      ? // The plan's cost passes jit_above_cost at a few thousand videos, and compiling it took 1.6–2.1 s of a
        // 2.6 s summary (measured at 10,000 videos): a plan of index seeks gains nothing from JIT.
        await ex.db.transaction().execute(async (trx) => {
          await sql`set local jit = off`.execute(trx);
          return rollupSumsQuery({ ...ex, db: trx }, q).executeTakeFirstOrThrow();
        })
      : await rollupSumsQuery(ex, q).executeTakeFirstOrThrow();

  const byStatus: Partial<Record<VideoStatus, number>> = {};
  const byPlatform: Record<string, number> = {};
  let videos = 0;
  for (const row of counts) {
    const n = Number(row.n);
    videos += n;
    byStatus[row.status] = (byStatus[row.status] ?? 0) + n;
    byPlatform[row.platform] = (byPlatform[row.platform] ?? 0) + n;
  }
  const row = sums as Record<string, string | number | null>;
  const metricSums = (prefix: string): MetricSums =>
    Object.fromEntries(
      ROLLUP_METRICS.map((m) => {
        const value = row[`${prefix}_${m}`];
        return [m, value === null || value === undefined ? null : String(value)];
      }),
    ) as MetricSums;
  return {
    videos,
    byStatus,
    byPlatform,
    totals: metricSums('total'),
    growth24h: metricSums('day'),
    growth7d: metricSums('week'),
    chargedMicroUsd: Number(row.charged ?? 0),
    newestSnapshotAt: row.newest === null || row.newest === undefined ? null : Number(row.newest),
  };
}
