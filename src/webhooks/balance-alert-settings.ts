// The account's own balance.low threshold (live money only): null means one day of its current spend.
import { type NotInTransaction, writeTransaction } from '../store/transaction.ts';
import { balanceAlertState, setBalanceAlertThreshold } from '../store/webhooks.ts';

export interface BalanceAlertSettings {
  thresholdMicroUsd: number | null;
  /** False after the alert fired, until a top-up (or a new threshold) re-arms it. */
  armed: boolean;
}

export async function balanceAlertSettings(
  store: NotInTransaction,
  accountId: string,
): Promise<BalanceAlertSettings> {
  const state = await balanceAlertState(store, accountId);
  return { thresholdMicroUsd: state.thresholdMicroUsd, armed: state.alertedAt === null };
}

/** Sets the threshold; setting it re-arms the alert. */
export async function changeBalanceAlertThreshold(
  store: NotInTransaction,
  accountId: string,
  thresholdMicroUsd: number | null,
): Promise<BalanceAlertSettings> {
  return writeTransaction(store, async (tx) => {
    await setBalanceAlertThreshold(tx, accountId, thresholdMicroUsd);
    return { thresholdMicroUsd, armed: true };
  });
}
