// The background half of source health in every collecting process: every `intervalMs` it flushes the
// attempts counted in memory and checks the alert thresholds against the fleet's counts.
import type { Clock } from '../clock.ts';
import type { Log } from '../observability/log.ts';
import type { NotInTransaction } from '../store/transaction.ts';
import type { AttemptRecorder } from './attempt-recorder.ts';
import { type AlertPolicy, checkSourceAlerts } from './source-alerts.ts';

export interface SourceHealthMonitor {
  /** One flush and one check (tests call it with a test clock). */
  runOnce(): Promise<void>;
  start(intervalMs: number): void;
  /** Stops the loop and flushes what is left. */
  stop(): Promise<void>;
}

export function createSourceHealthMonitor(options: {
  store: NotInTransaction;
  clock: Clock;
  recorder: AttemptRecorder;
  policy: AlertPolicy;
  operatorEmail: string | undefined;
  log: Pick<Log, 'info' | 'warn' | 'error'>;
}): SourceHealthMonitor {
  const { store, clock, recorder, log } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function runOnce(): Promise<void> {
    await recorder.flush();
    const changes = await checkSourceAlerts({
      store,
      nowMs: clock.now(),
      policy: options.policy,
      operatorEmail: options.operatorEmail,
    });
    for (const change of changes) {
      const fields = { ...change, workingShare: Math.round(change.workingShare * 1000) / 1000 };
      if (change.event === 'source.degraded') log.warn(fields, 'a platform source is failing');
      else log.info(fields, 'a platform source works again');
    }
  }

  const tick = (intervalMs: number) => {
    running = runOnce()
      .catch((error: unknown) => log.error({ err: error }, 'source health check failed; trying again later'))
      .finally(() => {
        running = undefined;
        if (timer !== undefined) timer = setTimeout(() => tick(intervalMs), intervalMs);
      });
  };

  return {
    runOnce,
    start(intervalMs) {
      if (timer !== undefined) return;
      timer = setTimeout(() => tick(intervalMs), intervalMs);
    },
    async stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running;
      await recorder
        .flush()
        .catch((error: unknown) => log.error({ err: error }, 'last source health flush failed'));
    },
  };
}
