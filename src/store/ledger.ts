import type { Insertable } from 'kysely';
import { preparedInsertMany, preparedQuery } from './prepared.ts';
import type { LedgerEntriesTable, LedgerKind } from './schema.ts';
import type { Executor, Tx } from './transaction.ts';

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
export async function postLedgerEntries(tx: Tx, postings: readonly LedgerPosting[]): Promise<void> {
  if (postings.length === 0) return;
  const rows = postings.map((posting) => ({
    account_id: posting.accountId,
    video_id: posting.videoId ?? null,
    snapshot_id: posting.snapshotId ?? null,
    kind: posting.kind,
    balance_delta_micro_usd: posting.balanceDeltaMicroUsd,
    reserved_delta_micro_usd: posting.reservedDeltaMicroUsd,
    note: posting.note ?? null,
    created_at: posting.at,
  }));
  await insertLedgerRows(tx, rows);

  const perAccount = new Map<string, { balance: number; reserved: number }>();
  for (const posting of postings) {
    const sum = perAccount.get(posting.accountId) ?? { balance: 0, reserved: 0 };
    sum.balance += posting.balanceDeltaMicroUsd;
    sum.reserved += posting.reservedDeltaMicroUsd;
    perAccount.set(posting.accountId, sum);
  }
  // In id order: two transactions moving money of the same accounts lock them in the same order (no deadlock).
  for (const accountId of [...perAccount.keys()].sort()) {
    const sum = perAccount.get(accountId)!;
    await addToAccountTotals(tx, accountId, sum.balance, sum.reserved);
  }
}

const LEDGER_COLUMNS = [
  'account_id',
  'video_id',
  'snapshot_id',
  'kind',
  'balance_delta_micro_usd',
  'reserved_delta_micro_usd',
  'note',
  'created_at',
] as const;

type LedgerRow = { [column in (typeof LEDGER_COLUMNS)[number]]: Insertable<LedgerEntriesTable>[column] };

const insertLedgerRows = preparedInsertMany(LEDGER_COLUMNS, (tx, rows: LedgerRow[]) =>
  tx.db.insertInto('ledger_entries').values(rows),
);

const addToAccountTotals = preparedQuery((tx, accountId: string, balance: number, reserved: number) =>
  tx.db
    .updateTable('accounts')
    .set((eb) => ({
      balance_micro_usd: eb('balance_micro_usd', '+', balance),
      reserved_micro_usd: eb('reserved_micro_usd', '+', reserved),
    }))
    .where('id', '=', accountId),
);

export const postLedgerEntry = (tx: Tx, posting: LedgerPosting): Promise<void> =>
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
