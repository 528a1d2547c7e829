import type { IdempotencyKeysTable } from './schema.ts';
import type { Executor } from './transaction.ts';

export type IdempotencyRecord = IdempotencyKeysTable;

/**
 * Claims an idempotency key for a request. Returns the existing record when the key is already taken
 * (in flight, or finished with a stored response), or null when this request now owns it.
 */
export async function claimIdempotencyKey(
  ex: Executor,
  claim: { accountId: string; key: string; requestHash: string; at: number; ttlMs: number },
): Promise<IdempotencyRecord | null> {
  // An expired claim is forgotten first so the key can be used again.
  await ex.db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', claim.accountId)
    .where('idempotency_key', '=', claim.key)
    .where('expires_at', '<=', claim.at)
    .execute();
  const inserted = await ex.db
    .insertInto('idempotency_keys')
    .values({
      account_id: claim.accountId,
      idempotency_key: claim.key,
      request_hash: claim.requestHash,
      status_code: null,
      response_body: null,
      created_at: claim.at,
      expires_at: claim.at + claim.ttlMs,
    })
    .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return null;
  const existing = await ex.db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_id', '=', claim.accountId)
    .where('idempotency_key', '=', claim.key)
    .executeTakeFirst();
  return existing ?? null;
}

export async function completeIdempotencyKey(
  ex: Executor,
  done: { accountId: string; key: string; statusCode: number; responseBody: string },
): Promise<void> {
  await ex.db
    .updateTable('idempotency_keys')
    .set({ status_code: done.statusCode, response_body: done.responseBody })
    .where('account_id', '=', done.accountId)
    .where('idempotency_key', '=', done.key)
    .execute();
}

/** Releases a claim whose request failed in a way worth retrying (e.g. a 5xx), so a retry runs afresh. */
export async function releaseIdempotencyKey(ex: Executor, accountId: string, key: string): Promise<void> {
  await ex.db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', accountId)
    .where('idempotency_key', '=', key)
    .where('status_code', 'is', null)
    .execute();
}
