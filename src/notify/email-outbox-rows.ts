// The outbox queries of the email worker. A row's life: due (next_attempt_at <= now) → claimed (attempts + 1,
// next_attempt_at pushed to the end of a lease) → sent (sent_at set), retried (next_attempt_at = backoff), or
// given up (next_attempt_at = GIVEN_UP_AT). Rows are never deleted: they are the operator's record.
import type { Executor } from '../store/transaction.ts';

/**
 * The next_attempt_at of a row the worker gave up on: 9999-12-31T23:59:59.999Z, a valid time that no clock
 * reaches, so the row drops out of the due scan (and its index range) without a schema change, keeps its
 * last_error for the operator, and is re-queued with one UPDATE (next_attempt_at = now, attempts = 0).
 */
export const GIVEN_UP_AT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export interface EmailOutboxRow {
  id: number;
  /** Null for an email to the operator. */
  account_id: string | null;
  payload: string;
  attempts: number;
  next_attempt_at: number;
}

/** Unsent email rows whose time has come, oldest due first. Webhook rows belong to another worker. */
export async function dueEmailRows(ex: Executor, now: number, limit: number): Promise<EmailOutboxRow[]> {
  const rows = await ex.db
    .selectFrom('outbox')
    .select(['id', 'account_id', 'payload', 'attempts', 'next_attempt_at'])
    .where('kind', '=', 'email')
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  // PostgreSQL hands back BIGINT columns as numbers (database.ts); SQLite already does.
  return rows.map((row) => ({ ...row, id: Number(row.id), next_attempt_at: Number(row.next_attempt_at) }));
}

/**
 * Takes a row for one attempt: succeeds only if nobody changed it since it was read (compare-and-set on
 * attempts and next_attempt_at), so of two workers that read the same row exactly one sends it. The row
 * comes back due at `leaseUntil` if this worker dies before recording the outcome.
 */
export async function claimEmailRow(ex: Executor, row: EmailOutboxRow, leaseUntil: number): Promise<boolean> {
  const result = await ex.db
    .updateTable('outbox')
    .set({ attempts: row.attempts + 1, next_attempt_at: leaseUntil })
    .where('id', '=', row.id)
    .where('sent_at', 'is', null)
    .where('attempts', '=', row.attempts)
    .where('next_attempt_at', '=', row.next_attempt_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Records delivery. Unconditional on the claim: once the server accepted it, the row is sent whoever holds it.
 * `payload` replaces the row's (the worker drops what only the sending needed).
 */
export async function markEmailSent(ex: Executor, id: number, now: number, payload?: string): Promise<void> {
  await ex.db
    .updateTable('outbox')
    .set({ sent_at: now, last_error: null, ...(payload === undefined ? {} : { payload }) })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .execute();
}

/** Schedules the next attempt, if this worker's claim (`claimedAttempts`) still stands. */
export async function scheduleEmailRetry(
  ex: Executor,
  id: number,
  claimedAttempts: number,
  nextAttemptAt: number,
  error: string,
): Promise<void> {
  await ex.db
    .updateTable('outbox')
    .set({ next_attempt_at: nextAttemptAt, last_error: error })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .where('attempts', '=', claimedAttempts)
    .execute();
}

/** Stops trying; the row stays, unsent, with the reason. */
export async function giveUpEmail(
  ex: Executor,
  id: number,
  claimedAttempts: number,
  error: string,
  payload?: string,
): Promise<void> {
  await scheduleEmailRetry(ex, id, claimedAttempts, GIVEN_UP_AT, error);
  if (payload !== undefined) {
    await ex.db
      .updateTable('outbox')
      .set({ payload })
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .where('attempts', '=', claimedAttempts)
      .execute();
  }
}

/** Email rows still to be sent, now or at a later retry (given-up rows excluded). */
export async function countWaitingEmails(ex: Executor): Promise<number> {
  const row = await ex.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'email')
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<', GIVEN_UP_AT)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
