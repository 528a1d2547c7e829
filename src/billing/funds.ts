// Credits and operator adjustments. Reservations, charges and releases happen inside tracking's and
// recording's own transactions through the same postLedgerEntry.

import { err, ok, type Result } from '../result.ts';
import { lockAccount } from '../store/accounts.ts';
import { postLedgerEntry } from '../store/ledger.ts';
import type { Account } from '../store/schema.ts';
import type { Tx } from '../store/transaction.ts';
import { rearmBalanceAlert } from '../store/webhooks.ts';

export type FundsError =
  | { kind: 'account_not_found' }
  | { kind: 'would_overdraw'; availableMicroUsd: number };

export interface FundsChange {
  accountId: string;
  /** Positive: a credit; negative: an adjustment that takes money back. */
  amountMicroUsd: number;
  note: string | null;
  now: number;
}

/**
 * Adds money (positive amount: a credit) or takes it back (negative: an adjustment, never below what is
 * reserved, so tracked videos keep their paid-for snapshots), inside the caller's transaction. The operator API
 * and the CLI both go through tracking/change-account.ts's changeFunds, which also alerts a low balance.
 */
export async function postFundsChange(tx: Tx, input: FundsChange): Promise<Result<Account, FundsError>> {
  const account = await lockAccount(tx, input.accountId);
  if (!account) return err({ kind: 'account_not_found' });
  const available = account.balance_micro_usd - account.reserved_micro_usd;
  if (input.amountMicroUsd < 0 && -input.amountMicroUsd > available) {
    return err({ kind: 'would_overdraw', availableMicroUsd: available });
  }
  await postLedgerEntry(tx, {
    accountId: account.id,
    kind: input.amountMicroUsd >= 0 ? 'credit' : 'adjustment',
    balanceDeltaMicroUsd: input.amountMicroUsd,
    reservedDeltaMicroUsd: 0,
    note: input.note,
    at: input.now,
  });
  // A top-up re-arms the balance.low alert (webhooks/balance-low.ts).
  if (input.amountMicroUsd > 0) await rearmBalanceAlert(tx, account.id);
  const updated = await lockAccount(tx, account.id);
  return ok(updated!);
}
