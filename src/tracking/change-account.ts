// Changing an account's settings and funds, as the operator API and the CLI both do: disabling an account also
// cancels its trackings, releasing what they still reserve; taking money back may cross the low-balance alert.
import { type AccountError, changeAccountSettings } from '../accounts/accounts.ts';
import { type FundsChange, type FundsError, postFundsChange } from '../billing/funds.ts';
import { err, ok, type Result } from '../result.ts';
import { type AccountSettings, findAccount } from '../store/accounts.ts';
import type { Account } from '../store/schema.ts';
import { type Executor, type NotInTransaction, writeTransaction } from '../store/transaction.ts';
import { checkBalanceLow } from '../webhooks/balance-low.ts';
import { cancelVideo } from './lifecycle.ts';

export type ChangeAccountError = Extract<AccountError, { kind: 'account_not_found' | 'invalid_plan' }>;

export interface ChangedAccount {
  /** The account after the change (and after its trackings were cancelled). */
  account: Account;
  cancelledTrackings: number;
}

/**
 * Not one transaction, on purpose: every write that touches a video and its account locks the video first
 * (recording, stop, pause, resume, cancel), and a transaction that disabled the account first and then locked
 * its videos would take them the other way round and could deadlock with the scheduler on PostgreSQL. The
 * disable commits first, so no track is admitted after it and the cancels see every tracking there is; each
 * cancel is the operator's cancel, in its own transaction. Should the process die in between, disabling
 * again cancels the rest.
 */
export async function changeAccount(
  store: NotInTransaction,
  accountId: string,
  settings: AccountSettings,
  now: number,
): Promise<Result<ChangedAccount, ChangeAccountError>> {
  const changed = await changeAccountSettings(store, accountId, settings);
  if (!changed.ok) return err(changed.error);
  if (settings.disabled !== 1) return ok({ account: changed.value, cancelledTrackings: 0 });
  const cancelledTrackings = await cancelAccountVideos(store, accountId, now);
  // Read again: the cancels released reservations.
  const account = (await findAccount(store, accountId)) ?? changed.value;
  return ok({ account, cancelledTrackings });
}

/** Cancels every monitoring or paused video of an account; returns how many. */
async function cancelAccountVideos(store: NotInTransaction, accountId: string, now: number): Promise<number> {
  const active = await store.db
    .selectFrom('videos')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', 'in', ['monitoring', 'paused'])
    .execute();
  let cancelled = 0;
  for (const { id } of active) {
    const result = await cancelVideo(store, id, now, 'account disabled');
    if (result.ok) cancelled++;
  }
  return cancelled;
}

/** A credit or an adjustment; an adjustment that leaves too little available raises balance.low in the same commit. */
export function changeFunds(store: Executor, change: FundsChange): Promise<Result<Account, FundsError>> {
  return writeTransaction(store, async (tx) => {
    const changed = await postFundsChange(tx, change);
    if (!changed.ok || change.amountMicroUsd >= 0) return changed;
    await checkBalanceLow(tx, [change.accountId], change.now);
    return changed;
  });
}
