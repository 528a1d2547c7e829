// Tells the operator when a source stops working and when it works again. Judged on the fleet's counts in
// the database over the alert window: a source with at least `minAttempts` reads whose working share is
// under `belowShare` becomes degraded; one back at or above it recovers. Each change is a compare-and-set
// on the source's state in the same transaction as its email in the outbox, so however many processes run
// the check, one email is queued per change.
import type { SourceAlertEvent, SourceAlertPayload } from '../notify/source-alert-email.ts';
import { enqueueOutbox } from '../store/outbox.ts';
import { changeSourceState, listSourceHealth, sourceAttemptTotals } from '../store/source-health.ts';
import { type NotInTransaction, writeTransaction } from '../store/transaction.ts';
import { groupBySource, sourceKey, windowHealth } from './source-health.ts';

export interface AlertPolicy {
  /** Degraded under this share (0–1) of working reads. */
  belowShare: number;
  windowMs: number;
  /** Fewer reads than this in the window say nothing either way. */
  minAttempts: number;
}

export interface SourceStateChange {
  platform: string;
  source: string;
  event: SourceAlertEvent;
  workingShare: number;
  attempts: number;
}

export async function checkSourceAlerts(options: {
  store: NotInTransaction;
  nowMs: number;
  policy: AlertPolicy;
  /** Without it the state still changes (and shows in the health endpoint); no email is queued. */
  operatorEmail: string | undefined;
}): Promise<SourceStateChange[]> {
  const { store, nowMs, policy } = options;
  const [totals, states] = await Promise.all([
    sourceAttemptTotals(store, nowMs - policy.windowMs),
    listSourceHealth(store),
  ]);
  const stateOf = new Map(states.map((row) => [sourceKey(row.platform, row.source), row]));
  const changes: SourceStateChange[] = [];
  for (const [key, { platform, source, counts }] of groupBySource(totals)) {
    const health = windowHealth(counts);
    if (health.attempts < policy.minAttempts || health.workingShare === null) continue;
    const degraded = health.workingShare < policy.belowShare;
    const state = stateOf.get(key);
    const current = state?.state ?? 'ok';
    if (degraded === (current === 'degraded')) continue;
    const event: SourceAlertEvent = degraded ? 'source.degraded' : 'source.recovered';
    const changed = await writeTransaction(store, async (tx) => {
      const won = await changeSourceState(tx, {
        platform,
        source,
        from: current,
        to: degraded ? 'degraded' : 'ok',
        at: nowMs,
      });
      if (won && options.operatorEmail) {
        const payload: SourceAlertPayload = {
          event,
          to: options.operatorEmail,
          platform,
          source,
          attempts: health.attempts,
          working_share: health.workingShare ?? 0,
          window_minutes: Math.round(policy.windowMs / 60_000),
          below_share: policy.belowShare,
          outcomes: Object.fromEntries(counts),
          last_success_at: state?.last_success_at ?? null,
          at: nowMs,
        };
        await enqueueOutbox(tx, { kind: 'email', accountId: null, payload: { ...payload }, at: nowMs });
      }
      return won;
    });
    if (changed)
      changes.push({ platform, source, event, workingShare: health.workingShare, attempts: health.attempts });
  }
  return changes;
}
