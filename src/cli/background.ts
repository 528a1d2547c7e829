// The work that runs beside (or instead of) the API: the snapshot engine and the email outbox.
import type pino from 'pino';
import { systemClock } from '../clock.ts';
import type { CollectorFor } from '../compose.ts';
import type { Config } from '../config.ts';
import { createSmtpMailer } from '../notify/mailer.ts';
import { createOutboxWorker } from '../notify/outbox-worker.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createEngine } from '../scheduler/engine.ts';
import type { Store } from '../store/database.ts';
import { startPassLog } from './pass-log.ts';

export interface BackgroundWork {
  stop(): Promise<void>;
}

export async function startBackgroundWork(options: {
  store: Store;
  config: Config;
  logger: pino.Logger;
  collectorFor: CollectorFor;
  metrics?: Metrics;
  scheduler: boolean;
  /** True only for `serve` on SQLite: the one process that schedules, so it pages without leases. */
  soleScheduler: boolean;
}): Promise<BackgroundWork> {
  const { store, config, logger } = options;
  const schedulerLog = logger.child({ module: 'scheduler' });
  const passLog = options.scheduler ? startPassLog(schedulerLog) : undefined;
  const engine = options.scheduler
    ? createEngine({
        store,
        clock: systemClock,
        collectorFor: options.collectorFor,
        log: schedulerLog,
        ...(passLog ? { onPass: (summary) => passLog.add(summary) } : {}),
        ...(options.metrics ? { metrics: options.metrics } : {}),
        concurrency: config.schedulerConcurrency,
        soleScheduler: options.soleScheduler,
      })
    : undefined;
  // Poll often enough that a slot is never more than a fraction of an interval late.
  await engine?.start(Math.min(1_000, (config.snapshotIntervalSeconds * 1000) / 4));

  // Emails queued in the outbox by state changes; without SMTP_URL they wait there (the worker says so once).
  const mailer = config.smtpUrl ? createSmtpMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }) : null;
  const emailWorker = createOutboxWorker({
    store,
    clock: systemClock,
    mailer,
    log: logger.child({ module: 'notify' }),
    publicBaseUrl: config.publicBaseUrl,
  });
  emailWorker.start(5_000);

  return {
    async stop() {
      await engine?.stop();
      passLog?.stop();
      passLog?.flush();
      await emailWorker.stop();
    },
  };
}

/** Exits cleanly on SIGTERM/SIGINT after `stop`, or forcibly if that takes longer than 25 s. */
export function onShutdownSignal(logger: pino.Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down (finishing in-flight requests and collections)`);
    const forceExit = setTimeout(() => {
      logger.error('shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25_000);
    forceExit.unref();
    await stop();
    logger.info('stopped cleanly');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
