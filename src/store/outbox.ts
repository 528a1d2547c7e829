import type { OutboxTable } from './schema.ts';
import type { Tx } from './transaction.ts';

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
