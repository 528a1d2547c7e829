import type { LedgerEntry, LedgerKind } from './schema.ts';
import type { Executor } from './transaction.ts';

export interface LedgerPosting {
  accountId: string;
  kind: LedgerKind;
  balanceDeltaMicroUsd: number;
  reservedDeltaMicroUsd: number;
  videoId?: string | null;
  snapshotId?: string | null;
  note?: string | null;
  at: number;
}

/**
 * The only way money moves: append an immutable ledger entry and apply the same deltas to the account's
 * running totals, in the caller's transaction. The accounts table's CHECK constraints make an overdraft
 * (balance < 0, reserved > balance) fail the whole transaction.
 */
export async function postLedgerEntry(tx: Executor, posting: LedgerPosting): Promise<void> {
  await tx.db
    .insertInto('ledger_entries')
    .values({
      account_id: posting.accountId,
      video_id: posting.videoId ?? null,
      snapshot_id: posting.snapshotId ?? null,
      kind: posting.kind,
      balance_delta_micro_usd: posting.balanceDeltaMicroUsd,
      reserved_delta_micro_usd: posting.reservedDeltaMicroUsd,
      note: posting.note ?? null,
      created_at: posting.at,
    })
    .execute();
  await tx.db
    .updateTable('accounts')
    .set((eb) => ({
      balance_micro_usd: eb('balance_micro_usd', '+', posting.balanceDeltaMicroUsd),
      reserved_micro_usd: eb('reserved_micro_usd', '+', posting.reservedDeltaMicroUsd),
    }))
    .where('id', '=', posting.accountId)
    .execute();
}

export interface LedgerTotals {
  balanceMicroUsd: number;
  reservedMicroUsd: number;
  chargedMicroUsd: number;
  charges: number;
}

/** The account's totals derived from the ledger alone (what the running totals must always equal). */
export async function ledgerTotals(ex: Executor, accountId: string): Promise<LedgerTotals> {
  const row = await ex.db
    .selectFrom('ledger_entries')
    .where('account_id', '=', accountId)
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('balance_delta_micro_usd'), eb.lit(0)).as('balance'),
      eb.fn.coalesce(eb.fn.sum<number>('reserved_delta_micro_usd'), eb.lit(0)).as('reserved'),
      eb.fn
        .coalesce(
          eb.fn.sum<number>(
            eb.case().when('kind', '=', 'charge').then(eb.ref('balance_delta_micro_usd')).else(0).end(),
          ),
          eb.lit(0),
        )
        .as('charged'),
      eb.fn.count<number>(eb.case().when('kind', '=', 'charge').then(1).end()).as('charges'),
    ])
    .executeTakeFirstOrThrow();
  return {
    balanceMicroUsd: Number(row.balance),
    reservedMicroUsd: Number(row.reserved),
    chargedMicroUsd: -Number(row.charged),
    charges: Number(row.charges),
  };
}

export async function listLedgerEntries(
  ex: Executor,
  accountId: string,
  limit = 100,
): Promise<LedgerEntry[]> {
  return ex.db
    .selectFrom('ledger_entries')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
