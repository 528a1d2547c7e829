// `contentstats serve`: the embedded mode's single process (API + scheduler + collectors).
import pino from 'pino';
import { systemClock } from '../clock.ts';
import type { ServiceParts } from '../compose.ts';
import { composeService } from '../compose.ts';
import type { Config } from '../config.ts';
import { createHttpClient } from '../http/client.ts';
import { createSmtpMailer } from '../notify/mailer.ts';
import { createOutboxWorker } from '../notify/outbox-worker.ts';
import { createLiveCollectors } from '../platforms/live-collectors.ts';
import { createEngine, type Engine } from '../scheduler/engine.ts';
import { countAccounts } from '../store/accounts.ts';
import type { Store } from '../store/database.ts';
import { configOrExit, openMigratedStore } from './runtime.ts';

export async function serveCommand(options: { scheduler: boolean }): Promise<void> {
  const config = configOrExit();
  const logger = pino({ level: config.logLevel });
  const store = await openMigratedStore(config);
  if (Object.keys(config.upstreams).length > 0) {
    logger.warn(
      { upstreams: config.upstreams },
      'CONTENTSTATS_UPSTREAMS is set: platform requests go to replacement origins (tests and staging only)',
    );
  }
  const http = createHttpClient({ upstreams: config.upstreams, proxyUrls: config.proxyUrls });
  const liveCollectors = createLiveCollectors(config, http);
  const service = await composeService({ store, config, clock: systemClock, liveCollectors, logger });
  const { app, context } = service;

  const engine = options.scheduler ? await startEngine(service, store, config, logger) : undefined;
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

  await app.listen({ port: config.port, host: config.host });
  context.readiness.ready = true;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    `contentstats listening on http://localhost:${port} (database ${store.dialect}, docs at /docs)`,
  );
  if ((await countAccounts(store)) === 0) printFirstSteps(Boolean(config.adminToken), port);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down (finishing in-flight requests and collections)`);
    context.readiness.ready = false;
    const forceExit = setTimeout(() => {
      logger.error('shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25_000);
    forceExit.unref();
    await engine?.stop();
    await emailWorker.stop();
    await app.close();
    await http.close();
    await store.close();
    logger.info('stopped cleanly');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

async function startEngine(
  service: ServiceParts,
  store: Store,
  config: Config,
  logger: pino.Logger,
): Promise<Engine> {
  const engine = createEngine({
    store,
    clock: systemClock,
    collectorFor: service.collectorFor,
    log: logger.child({ module: 'scheduler' }),
    metrics: service.metrics,
    concurrency: config.schedulerConcurrency,
    soleScheduler: store.dialect === 'sqlite',
  });
  // Poll often enough that a slot is never more than a fraction of an interval late.
  await engine.start(Math.min(1_000, (config.snapshotIntervalSeconds * 1000) / 4));
  return engine;
}

function printFirstSteps(adminApi: boolean, port: number): void {
  const lines = [
    '',
    'No accounts yet. Create one (prints a live and a test key):',
    '',
    '  npx contentstats accounts create --email you@example.com --credit 10',
    '',
    'then track a video with the test key (free, served by the built-in simulator):',
    '',
    `  curl -s -X POST http://localhost:${port}/api/v1/videos/track -H "X-API-Key: cs_test_…" \\`,
    `    -H 'Content-Type: application/json' -d '{"video_link":"https://www.tiktok.com/@demo/video/7301234567890123456","duration_days":1}'`,
    '',
    adminApi
      ? 'The operator API is enabled at /admin/v1.'
      : 'Set CONTENTSTATS_ADMIN_TOKEN to enable the operator API at /admin/v1.',
    '',
  ];
  console.log(lines.join('\n'));
}
