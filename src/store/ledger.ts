import { type Insertable, sql } from 'kysely';
import { preparedInsertMany, preparedQuery } from './prepared.ts';
import type { LedgerEntriesTable, LedgerKind } from './schema.ts';
import type { Executor, Tx } from './transaction.ts';

export interface LedgerPosting {
  /** Given when the entry's id was taken in advance (newLedgerEntryIds), so rows written before can name it. */
  id?: number;
  accountId: string;
  kind: LedgerKind;
  balanceDeltaMicroUsd: number;
  reservedDeltaMicroUsd: number;
  videoId?: string | null;
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
    // Only the per-snapshot `charge` entries written before migration 010 name a snapshot.
    snapshot_id: null,
    kind: posting.kind,
    balance_delta_micro_usd: posting.balanceDeltaMicroUsd,
    reserved_delta_micro_usd: posting.reservedDeltaMicroUsd,
    note: posting.note ?? null,
    created_at: posting.at,
  }));
  const withIds: LedgerRowWithId[] = [];
  const withoutIds: LedgerRow[] = [];
  rows.forEach((row, i) => {
    const id = postings[i]!.id;
    if (id === undefined) withoutIds.push(row);
    else withIds.push({ id, ...row });
  });
  if (withIds.length > 0) await insertLedgerRowsWithIds(tx, withIds);
  if (withoutIds.length > 0) await insertLedgerRows(tx, withoutIds);

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

type LedgerRowWithId = LedgerRow & { id: number };

const insertLedgerRowsWithIds = preparedInsertMany(
  ['id', ...LEDGER_COLUMNS] as const,
  (tx, rows: LedgerRowWithId[]) => tx.db.insertInto('ledger_entries').values(rows),
);

const largestLedgerId = preparedQuery((tx) =>
  tx.db.selectFrom('ledger_entries').select((eb) => eb.fn.max('id').as('id')),
);

/**
 * Ids for `count` entries this transaction will post, taken before the rows that name them are written (a
 * recorded snapshot carries the id of the batch_charge that posts its charge). SQLite: the next integers after
 * the largest (the write lock is held); PostgreSQL: from the entries' own sequence.
 */
export async function newLedgerEntryIds(tx: Tx, count: number): Promise<number[]> {
  if (count === 0) return [];
  if (tx.dialect === 'sqlite') {
    const [row] = await largestLedgerId(tx);
    const largest = Number(row?.id ?? 0);
    return Array.from({ length: count }, (_, i) => largest + 1 + i);
  }
  const result = await sql<{ id: string | number }>`
    select nextval(pg_get_serial_sequence('ledger_entries', 'id')) as id
    from generate_series(1, ${count}::integer)`.execute(tx.db);
  return result.rows.map((row) => Number(row.id));
}

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
  /** Σ of the charge entries (per snapshot before migration 010, per recorded batch since). */
  chargedMicroUsd: number;
  /** Snapshots charged: those whose row carries a charge. */
  charges: number;
}

/** The entries that charge snapshots: one per snapshot before migration 010, one per account and batch since. */
export const CHARGE_KINDS = ['charge', 'batch_charge'] as const;

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
            eb.case().when('kind', 'in', CHARGE_KINDS).then(eb.ref('balance_delta_micro_usd')).else(0).end(),
          ),
          eb.lit(0),
        )
        .as('charged'),
    ])
    .executeTakeFirstOrThrow();
  // Each stored snapshot carries its charge (migration 010): how many were charged is counted there.
  const charged = await ex.db
    .selectFrom('snapshots as s')
    .innerJoin('videos as v', 'v.video_key', 's.video_key')
    .where('v.account_id', '=', accountId)
    .where('s.charged_micro_usd', '>', 0)
    .select((eb) => eb.fn.countAll<number>().as('charges'))
    .executeTakeFirstOrThrow();
  return {
    balanceMicroUsd: Number(row.balance),
    reservedMicroUsd: Number(row.reserved),
    // `|| 0`: no charges would otherwise read as -0.
    chargedMicroUsd: -Number(row.charged) || 0,
    charges: Number(charged.charges),
  };
}
