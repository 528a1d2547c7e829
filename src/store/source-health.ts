// Source health: attempts per platform source, outcome and minute, and each source's alert state and last
// success (migrations/009-source-health.ts). Counts are added, never overwritten, so processes of a fleet
// flushing the same minute sum up.
import { sql } from 'kysely';
import type { SourceHealthTable } from './schema.ts';
import { type Executor, type NotInTransaction, writeTransaction } from './transaction.ts';

export interface AttemptBucket {
  minuteStart: number;
  platform: string;
  source: string;
  outcome: string;
  attempts: number;
  lastAt: number;
}

/** Adds the buckets to what the table holds, and moves each source's last success forward. */
export async function addSourceAttempts(
  store: NotInTransaction,
  buckets: readonly AttemptBucket[],
): Promise<void> {
  if (buckets.length === 0) return;
  // Rows in one order in every process: two processes upserting the same minutes cannot deadlock (PostgreSQL).
  const ordered = [...buckets].sort(
    (a, b) =>
      a.minuteStart - b.minuteStart ||
      compare(a.platform, b.platform) ||
      compare(a.source, b.source) ||
      compare(a.outcome, b.outcome),
  );
  const lastSuccess = new Map<string, { platform: string; source: string; at: number }>();
  for (const bucket of buckets) {
    if (bucket.outcome !== 'success') continue;
    const key = `${bucket.platform}\u0000${bucket.source}`;
    const known = lastSuccess.get(key);
    if (!known || known.at < bucket.lastAt)
      lastSuccess.set(key, { platform: bucket.platform, source: bucket.source, at: bucket.lastAt });
  }
  await writeTransaction(store, async (tx) => {
    await tx.db
      .insertInto('source_attempts')
      .values(
        ordered.map((b) => ({
          minute_start: b.minuteStart,
          platform: b.platform,
          source: b.source,
          outcome: b.outcome,
          attempts: b.attempts,
          last_at: b.lastAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['minute_start', 'platform', 'source', 'outcome']).doUpdateSet({
          attempts: sql`source_attempts.attempts + excluded.attempts`,
          last_at: sql`case when excluded.last_at > source_attempts.last_at then excluded.last_at else source_attempts.last_at end`,
        }),
      )
      .execute();
    const successes = [...lastSuccess.values()].sort(
      (a, b) => compare(a.platform, b.platform) || compare(a.source, b.source),
    );
    for (const { platform, source, at } of successes) {
      await tx.db
        .insertInto('source_health')
        .values({ platform, source, state: 'ok', state_changed_at: null, last_success_at: at })
        .onConflict((oc) =>
          oc.columns(['platform', 'source']).doUpdateSet({
            last_success_at: sql`case when source_health.last_success_at is null or excluded.last_success_at > source_health.last_success_at then excluded.last_success_at else source_health.last_success_at end`,
          }),
        )
        .execute();
    }
  });
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Forgets minutes before `minuteStart` (the primary key starts with the minute, so this is a range delete). */
export async function deleteSourceAttemptsBefore(
  store: NotInTransaction,
  minuteStart: number,
): Promise<void> {
  await store.db.deleteFrom('source_attempts').where('minute_start', '<', minuteStart).execute();
}

export interface OutcomeTotal {
  platform: string;
  source: string;
  outcome: string;
  attempts: number;
}

/** Attempts per source and outcome in the minutes starting at or after `sinceMs`. */
export async function sourceAttemptTotals(ex: Executor, sinceMs: number): Promise<OutcomeTotal[]> {
  const rows = await ex.db
    .selectFrom('source_attempts')
    .select(['platform', 'source', 'outcome', (eb) => eb.fn.sum<number | string>('attempts').as('attempts')])
    .where('minute_start', '>=', sinceMs)
    .groupBy(['platform', 'source', 'outcome'])
    .execute();
  // PostgreSQL's sum over an integer column is a bigint, handed back as a string.
  return rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
}

export type SourceHealthRow = SourceHealthTable;

export async function listSourceHealth(ex: Executor): Promise<SourceHealthRow[]> {
  const rows = await ex.db.selectFrom('source_health').selectAll().execute();
  return rows.map((row) => ({
    ...row,
    state_changed_at: row.state_changed_at === null ? null : Number(row.state_changed_at),
    last_success_at: row.last_success_at === null ? null : Number(row.last_success_at),
  }));
}

/**
 * Moves a source from `from` to `to` unless another process already did: true for exactly one caller.
 * Runs in the caller's transaction, which queues the alert email with it.
 */
export async function changeSourceState(
  ex: Executor,
  change: { platform: string; source: string; from: 'ok' | 'degraded'; to: 'ok' | 'degraded'; at: number },
): Promise<boolean> {
  await ex.db
    .insertInto('source_health')
    .values({
      platform: change.platform,
      source: change.source,
      state: 'ok',
      state_changed_at: null,
      last_success_at: null,
    })
    .onConflict((oc) => oc.columns(['platform', 'source']).doNothing())
    .execute();
  const result = await ex.db
    .updateTable('source_health')
    .set({ state: change.to, state_changed_at: change.at })
    .where('platform', '=', change.platform)
    .where('source', '=', change.source)
    .where('state', '=', change.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
