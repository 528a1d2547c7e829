import { randomBase62 } from '../ids.ts';
import type { IdempotencyKeysTable, Mode } from './schema.ts';
import type { Executor } from './transaction.ts';

export type IdempotencyRecord = IdempotencyKeysTable;

/** An in-flight claim on an Idempotency-Key, held by the one request that knows its token. */
export interface HeldClaim {
  accountId: string;
  mode: Mode;
  key: string;
  token: string;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: HeldClaim }
  /** Someone else's: answered (replay it), in flight under a live lease (409), or for another body (422). */
  | { kind: 'taken'; record: IdempotencyRecord };

/** A take-over can lose to another retry or to the holder finishing; after that the record says which. */
const CLAIM_ATTEMPTS = 3;

/**
 * Claims an idempotency key for a request. The key is free when no request holds it, or when the request
 * that claimed it let its lease pass without answering (its process died): then this request takes the claim
 * over, compare-and-swap on the holder's token, so of several retries racing exactly one runs.
 */
export async function claimIdempotencyKey(
  ex: Executor,
  claim: {
    accountId: string;
    mode: Mode;
    key: string;
    requestHash: string;
    at: number;
    ttlMs: number;
    leaseMs: number;
  },
): Promise<ClaimOutcome> {
  const token = randomBase62(22);
  const held: HeldClaim = { accountId: claim.accountId, mode: claim.mode, key: claim.key, token };
  const forKey = keyFilter(claim);
  // An expired key is forgotten first so it can be used again.
  await forKey(ex.db.deleteFrom('idempotency_keys')).where('expires_at', '<=', claim.at).execute();
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const inserted = await ex.db
      .insertInto('idempotency_keys')
      .values({
        account_id: claim.accountId,
        mode: claim.mode,
        idempotency_key: claim.key,
        request_hash: claim.requestHash,
        claim_token: token,
        lease_expires_at: claim.at + claim.leaseMs,
        status_code: null,
        response_body: null,
        created_at: claim.at,
        expires_at: claim.at + claim.ttlMs,
      })
      .onConflict((oc) => oc.columns(['account_id', 'mode', 'idempotency_key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { kind: 'claimed', claim: held };
    const existing = await forKey(ex.db.selectFrom('idempotency_keys').selectAll()).executeTakeFirst();
    // Released by its holder meanwhile: claim it afresh.
    if (!existing) continue;
    const abandoned =
      existing.status_code === null &&
      existing.request_hash === claim.requestHash &&
      (existing.lease_expires_at ?? 0) <= claim.at;
    if (!abandoned) return { kind: 'taken', record: existing };
    const takenOver = await forKey(ex.db.updateTable('idempotency_keys'))
      .set({ claim_token: token, lease_expires_at: claim.at + claim.leaseMs })
      .where('status_code', 'is', null)
      .where((eb) =>
        existing.claim_token === null
          ? eb('claim_token', 'is', null)
          : eb('claim_token', '=', existing.claim_token),
      )
      .executeTakeFirst();
    if (Number(takenOver.numUpdatedRows) === 1) return { kind: 'claimed', claim: held };
  }
  const settled = await forKey(ex.db.selectFrom('idempotency_keys').selectAll()).executeTakeFirst();
  if (settled) return { kind: 'taken', record: settled };
  throw new Error(`idempotency key ${claim.key} kept changing hands`);
}

/**
 * Inside a write transaction: true while the claim is still this request's, and then it stays so until the
 * transaction ends (PostgreSQL locks the row; SQLite holds the write lock), so a take-over cannot slip
 * between this check and the writes it guards.
 */
export async function holdIdempotencyClaim(tx: Executor, claim: HeldClaim): Promise<boolean> {
  const query = heldBy(claim, tx.db.selectFrom('idempotency_keys').select('claim_token'));
  const row = await (tx.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
  return row !== undefined;
}

/** Stores the answer to replay; false when the claim was taken over meanwhile (nothing is written then). */
export async function completeIdempotencyKey(
  ex: Executor,
  claim: HeldClaim,
  answer: { statusCode: number; responseBody: string },
): Promise<boolean> {
  const result = await heldBy(claim, ex.db.updateTable('idempotency_keys'))
    .set({
      status_code: answer.statusCode,
      response_body: answer.responseBody,
      claim_token: null,
      lease_expires_at: null,
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Releases a claim whose request failed in a way worth retrying (e.g. a 5xx), so a retry runs afresh. A claim
 * taken over by a retry is that retry's, and is left alone.
 */
export async function releaseIdempotencyKey(ex: Executor, claim: HeldClaim): Promise<void> {
  await heldBy(claim, ex.db.deleteFrom('idempotency_keys')).execute();
}

interface Filterable {
  where(column: 'account_id' | 'mode' | 'idempotency_key' | 'claim_token', op: '=', value: string): this;
  where(column: 'status_code', op: 'is', value: null): this;
}

function keyFilter(key: { accountId: string; mode: Mode; key: string }) {
  return <Q extends Filterable>(query: Q): Q =>
    query
      .where('account_id', '=', key.accountId)
      .where('mode', '=', key.mode)
      .where('idempotency_key', '=', key.key);
}

function heldBy<Q extends Filterable>(claim: HeldClaim, query: Q): Q {
  return keyFilter(claim)(query).where('claim_token', '=', claim.token).where('status_code', 'is', null);
}

/**
 * Inside a write transaction holding the claim: the progress of a long request (a batch) so far, kept in the
 * record while it is in flight, so a retry that takes the claim over resumes after what was already done.
 */
export async function recordIdempotencyProgress(
  tx: Executor,
  claim: HeldClaim,
  progress: string,
): Promise<void> {
  await heldBy(claim, tx.db.updateTable('idempotency_keys')).set({ response_body: progress }).execute();
}

/** The progress an in-flight claim recorded (read by the request that now holds it); undefined when none. */
export async function idempotencyProgress(ex: Executor, claim: HeldClaim): Promise<string | undefined> {
  const row = await heldBy(
    claim,
    ex.db.selectFrom('idempotency_keys').select('response_body'),
  ).executeTakeFirst();
  return row?.response_body ?? undefined;
}
