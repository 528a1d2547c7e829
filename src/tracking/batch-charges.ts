// How recorded snapshots are charged (docs/architecture.md, "Snapshots and their charges"): each stored live
// snapshot carries its own charge and the id of the ledger entry that posts it, and the ledger posts one
// `batch_charge` per account per recording transaction, for Σ of that account's stored charges. The entry's id
// is taken before the snapshots are written so they can name it; a snapshot not stored (its slot already had
// one) is not charged, and an account none of whose snapshots was stored gets no entry.
import { type LedgerPosting, newLedgerEntryIds } from '../store/ledger.ts';
import type { Tx } from '../store/transaction.ts';
import type { SnapshotCharge } from './observed-snapshot.ts';

export interface BatchCharges {
  /** The charge a snapshot of this account's video carries. */
  chargeFor(accountId: string, chargeMicroUsd: number): SnapshotCharge;
  /** The batch_charge entries for the snapshots that were stored. */
  postings(stored: ReadonlyArray<{ accountId: string; chargeMicroUsd: number }>, at: number): LedgerPosting[];
}

/** Takes an entry id for each account that has something to charge in this batch. */
export async function openBatchCharges(
  tx: Tx,
  charges: ReadonlyArray<{ accountId: string; chargeMicroUsd: number }>,
): Promise<BatchCharges> {
  // In account order, as postLedgerEntries locks the accounts.
  const accounts = [...new Set(charges.filter((c) => c.chargeMicroUsd > 0).map((c) => c.accountId))].sort();
  const ids = await newLedgerEntryIds(tx, accounts.length);
  const entryOf = new Map(accounts.map((accountId, i) => [accountId, ids[i]!]));
  return {
    chargeFor: (accountId, chargeMicroUsd) => ({
      chargedMicroUsd: chargeMicroUsd,
      ledgerEntryId: chargeMicroUsd > 0 ? entryOf.get(accountId)! : null,
    }),
    postings(stored, at) {
      const totals = new Map<string, number>();
      for (const { accountId, chargeMicroUsd } of stored) {
        if (chargeMicroUsd > 0) totals.set(accountId, (totals.get(accountId) ?? 0) + chargeMicroUsd);
      }
      return [...totals].map(([accountId, total]) => ({
        id: entryOf.get(accountId)!,
        accountId,
        kind: 'batch_charge' as const,
        balanceDeltaMicroUsd: -total,
        reservedDeltaMicroUsd: -total,
        at,
      }));
    },
  };
}
