import type { OutboxTable } from './schema.ts';
import type { Executor, Tx } from './transaction.ts';

export interface OutboxMessage {
  kind: OutboxTable['kind'];
  /** Null for an email to the operator. */
  accountId: string | null;
  payload: Record<string, unknown>;
  at: number;
}

/** Queues a message in the caller's transaction; it is sent after commit, and retried until accepted. */
export async function enqueueOutbox(tx: Tx, message: OutboxMessage): Promise<void> {
  await tx.db
    .insertInto('outbox')
    .values({
      kind: message.kind,
      account_id: message.accountId,
      payload: JSON.stringify(message.payload),
      attempts: 0,
      next_attempt_at: message.at,
      sent_at: null,
      last_error: null,
      created_at: message.at,
    })
    .execute();
}

/** Messages not sent yet, by kind; rows whose next attempt is at or after `givenUpAt` were given up. */
export async function countOutboxBacklog(
  ex: Executor,
  givenUpAt: number,
): Promise<Array<{ kind: OutboxTable['kind']; count: number }>> {
  const rows = await ex.db
    .selectFrom('outbox')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<', givenUpAt)
    .groupBy('kind')
    .execute();
  return rows.map((row) => ({ kind: row.kind, count: Number(row.n) }));
}
