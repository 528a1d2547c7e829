import type { LedgerKind } from './schema.ts';
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
 * The only way money moves: append immutable ledger entries and apply the same deltas to the accounts'
 * running totals, in the caller's transaction. The accounts table's CHECK constraints make an overdraft
 * (balance < 0, reserved > balance) fail the whole transaction.
 */
export async function postLedgerEntries(tx: Executor, postings: readonly LedgerPosting[]): Promise<void> {
  if (postings.length === 0) return;
  await tx.db
    .insertInto('ledger_entries')
    .values(
      postings.map((posting) => ({
        account_id: posting.accountId,
        video_id: posting.videoId ?? null,
        snapshot_id: posting.snapshotId ?? null,
        kind: posting.kind,
        balance_delta_micro_usd: posting.balanceDeltaMicroUsd,
        reserved_delta_micro_usd: posting.reservedDeltaMicroUsd,
        note: posting.note ?? null,
        created_at: posting.at,
      })),
    )
    .execute();
  const perAccount = new Map<string, { balance: number; reserved: number }>();
  for (const posting of postings) {
    const sum = perAccount.get(posting.accountId) ?? { balance: 0, reserved: 0 };
    sum.balance += posting.balanceDeltaMicroUsd;
    sum.reserved += posting.reservedDeltaMicroUsd;
    perAccount.set(posting.accountId, sum);
  }
  for (const [accountId, sum] of perAccount) {
    await tx.db
      .updateTable('accounts')
      .set((eb) => ({
        balance_micro_usd: eb('balance_micro_usd', '+', sum.balance),
        reserved_micro_usd: eb('reserved_micro_usd', '+', sum.reserved),
      }))
      .where('id', '=', accountId)
      .execute();
  }
}

export const postLedgerEntry = (tx: Executor, posting: LedgerPosting): Promise<void> =>
  postLedgerEntries(tx, [posting]);

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
    // `|| 0`: no charges would otherwise read as -0.
    chargedMicroUsd: -Number(row.charged) || 0,
    charges: Number(row.charges),
  };
}
