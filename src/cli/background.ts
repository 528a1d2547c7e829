// The work that runs beside (or instead of) the API: the snapshot engine, the email outbox and, where the
// engine runs, the webhook deliveries.
import type pino from 'pino';
import { systemClock } from '../clock.ts';
import type { CollectorFor } from '../compose.ts';
import type { Config } from '../config.ts';
import type { AttemptRecorder } from '../health/attempt-recorder.ts';
import { createSourceHealthMonitor } from '../health/monitor.ts';
import { createHttpClient } from '../http/client.ts';
import { createSmtpMailer } from '../notify/mailer.ts';
import { createOutboxWorker } from '../notify/outbox-worker.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createEngine, type RunSummary } from '../scheduler/engine.ts';
import type { Store } from '../store/database.ts';
import { ensureSnapshotPartitions } from '../store/snapshot-partitions.ts';
import { createDeliveryWorker, WEBHOOK_USER_AGENT } from '../webhooks/delivery-worker.ts';
import { startPassLog } from './pass-log.ts';

export interface BackgroundWork {
  stop(): Promise<void>;
}

export async function startBackgroundWork(options: {
  store: Store;
  config: Config;
  logger: pino.Logger;
  collectorFor: CollectorFor;
  /** Counts the live collectors' source reads; flushed and checked for alerts every 30 s and at stop. */
  attempts: AttemptRecorder;
  metrics?: Metrics;
  scheduler: boolean;
  /** True only for `serve` on SQLite: the one process that schedules, so it pages without leases. */
  soleScheduler: boolean;
  /** Told of each scheduler pass besides the per-minute log line (the real-path benchmark reads lateness here). */
  onPass?: (summary: RunSummary) => void;
}): Promise<BackgroundWork> {
  const { store, config, logger } = options;
  const partitions = startPartitionMaintenance(store, logger.child({ module: 'store' }));
  const schedulerLog = logger.child({ module: 'scheduler' });
  const passLog = options.scheduler ? startPassLog(schedulerLog) : undefined;
  const engine = options.scheduler
    ? createEngine({
        store,
        clock: systemClock,
        collectorFor: options.collectorFor,
        log: schedulerLog,
        onPass: (summary) => {
          passLog?.add(summary);
          options.onPass?.(summary);
        },
        ...(options.metrics ? { metrics: options.metrics } : {}),
        concurrency: config.schedulerConcurrency,
        perPlatformConcurrency: config.schedulerPlatformConcurrency,
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

  // Webhook deliveries, claimed through the database: any number of processes share them. Their own client
  // instance: no browser headers, no platform proxies, public addresses only unless the operator allows more.
  const webhookHttp = options.scheduler
    ? createHttpClient({ upstreams: config.upstreams, ownHeadersOnly: true, userAgent: WEBHOOK_USER_AGENT })
    : undefined;
  const webhookWorker = webhookHttp
    ? createDeliveryWorker({
        store,
        clock: systemClock,
        http: webhookHttp,
        log: logger.child({ module: 'webhooks' }),
        allowPrivateTargets: config.webhookAllowPrivateTargets,
      })
    : undefined;
  webhookWorker?.start(1_000);
  // In every process: an API-only process reads platforms too (the probe of each track request).
  const health = createSourceHealthMonitor({
    store,
    clock: systemClock,
    recorder: options.attempts,
    policy: config.sourceAlert,
    operatorEmail: config.operatorEmail,
    log: logger.child({ module: 'health' }),
  });
  health.start(30_000);

  return {
    async stop() {
      await partitions.stop();
      await engine?.stop();
      await health.stop();
      passLog?.stop();
      passLog?.flush();
      await emailWorker.stop();
      await webhookWorker?.stop();
      await webhookHttp?.close();
    },
  };
}

const PARTITION_MAINTENANCE_MS = 3_600_000;

/**
 * PostgreSQL: the snapshots' partitions kept ahead of the trackings that will need them, at start and every
 * hour (store/snapshot-partitions.ts, docs/operations.md). Nothing on SQLite.
 */
function startPartitionMaintenance(store: Store, log: Pick<pino.Logger, 'info' | 'error'>) {
  if (store.dialect !== 'postgres') return { stop: async () => undefined };
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = ensureSnapshotPartitions(store, Date.now()).then(
      (done) => {
        if (done && done.created.length > 0)
          log.info({ created: done.created }, 'snapshot partitions created');
      },
      (error: unknown) =>
        log.error({ err: error }, 'snapshot partition maintenance failed; retrying in an hour'),
    );
  };
  run();
  const timer = setInterval(run, PARTITION_MAINTENANCE_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
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
