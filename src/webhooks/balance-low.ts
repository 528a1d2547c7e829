// balance.low: when an account's available balance (balance minus what is reserved) falls below one day of
// its current spend, or below the threshold it set, once per crossing; a top-up re-arms it. Available money
// only falls when a tracking reserves (a track, a resume) or the operator takes money back, so the check runs
// in those transactions. It is sent as an event to live endpoints and as an email through the outbox.
import { microUsdToUsd } from '../billing/money.ts';
import { lockAccount } from '../store/accounts.ts';
import { enqueueOutbox } from '../store/outbox.ts';
import type { Tx } from '../store/transaction.ts';
import { balanceAlertState, dailySpendMicroUsd, setBalanceAlerted } from '../store/webhooks.ts';
import { loadSubscriptions, writeEvents } from './write-events.ts';

/** The outbox payload of the balance.low email (notify/ renders it). */
export interface BalanceLowEmailPayload {
  event: 'balance.low';
  available_micro_usd: number;
  threshold_micro_usd: number;
}

/** Checks each account after its available balance fell (in this transaction); alerts those that crossed. */
export async function checkBalanceLow(tx: Tx, accountIds: Iterable<string>, now: number): Promise<void> {
  for (const accountId of new Set(accountIds)) {
    const state = await balanceAlertState(tx, accountId);
    if (state.alertedAt !== null) continue;
    const account = await lockAccount(tx, accountId);
    if (!account) continue;
    const available = account.balance_micro_usd - account.reserved_micro_usd;
    const dailySpend =
      state.thresholdMicroUsd === null || available < state.thresholdMicroUsd
        ? await dailySpendMicroUsd(tx, accountId)
        : 0;
    const threshold = state.thresholdMicroUsd ?? dailySpend;
    if (threshold <= 0 || available >= threshold) continue;
    await setBalanceAlerted(tx, accountId, now);
    const payload: BalanceLowEmailPayload = {
      event: 'balance.low',
      available_micro_usd: available,
      threshold_micro_usd: threshold,
    };
    await enqueueOutbox(tx, { kind: 'email', accountId, payload: { ...payload }, at: now });
    const subscriptions = await loadSubscriptions(tx, [accountId]);
    await writeEvents(tx, subscriptions, [
      {
        accountId,
        mode: 'live',
        type: 'balance.low',
        at: now,
        data: {
          available_usd: microUsdToUsd(available),
          balance_usd: microUsdToUsd(account.balance_micro_usd),
          reserved_usd: microUsdToUsd(account.reserved_micro_usd),
          threshold_usd: microUsdToUsd(threshold),
          daily_spend_usd: microUsdToUsd(dailySpend),
        },
      },
    ]);
  }
}
