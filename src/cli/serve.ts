// `contentstats serve`: the API, and by default the scheduler, collectors and email outbox in the same process
// (the embedded mode). With --no-scheduler it is a stateless API process for the scale mode.
import pino from 'pino';
import { systemClock } from '../clock.ts';
import { composeService } from '../compose.ts';
import { createAttemptRecorder } from '../health/attempt-recorder.ts';
import { createHttpClient } from '../http/client.ts';
import { createLiveCollectors } from '../platforms/live-collectors.ts';
import { countAccounts } from '../store/accounts.ts';
import type { SchedulerLock } from '../store/scheduler-lock.ts';
import { onShutdownSignal, startBackgroundWork } from './background.ts';
import { CommandFailure, EXIT } from './failure.ts';
import { type CliIo, writeLine } from './io.ts';
import { configOrFail, holdSchedulerLock, openMigratedStore } from './runtime.ts';
import { classifyListenError, describeStartupProblem } from './startup-errors.ts';

export async function serveCommand(io: CliIo, options: { scheduler: boolean }): Promise<void> {
  const config = configOrFail(io);
  const logger = pino({ level: config.logLevel }, io.logDestination);
  // A server runs for long: its SQLite log is checkpointed off the event loop.
  const store = await openMigratedStore(config, {
    backgroundCheckpoints: true,
    applicationName: 'contentstats-api',
  });
  let schedulerLock: SchedulerLock | undefined;
  try {
    // Taken once the database (and its folder) exists, before anything is collected.
    schedulerLock = options.scheduler ? holdSchedulerLock(config, 'sole') : undefined;
  } catch (error) {
    await store.close();
    throw error;
  }
  if (Object.keys(config.upstreams).length > 0) {
    logger.warn(
      { upstreams: config.upstreams },
      'CONTENTSTATS_UPSTREAMS is set: platform requests go to replacement origins (tests and staging only)',
    );
  }
  const http = createHttpClient({ upstreams: config.upstreams, proxyUrls: config.proxyUrls });
  const attempts = createAttemptRecorder({ store, clock: systemClock });
  const liveCollectors = createLiveCollectors(config, http, {
    recordAttempt: attempts.recordAttempt,
    now: systemClock.now,
  });
  const service = await composeService({ store, config, clock: systemClock, liveCollectors, logger });
  const { app, context } = service;

  let background: { stop(): Promise<void> } | undefined;
  const stop = async () => {
    context.readiness.ready = false;
    await background?.stop();
    // close() waits for every connection to end, and a client's keep-alive connection stays open for
    // HTTP_KEEP_ALIVE_TIMEOUT_SECONDS after its last answer: each is closed as soon as its request is answered.
    const closeIdle = setInterval(() => app.server.closeIdleConnections(), 50);
    try {
      await app.close();
    } finally {
      clearInterval(closeIdle);
    }
    await http.close();
    await store.close();
    schedulerLock?.release();
  };

  // Asked before listening, so the hint follows the "listening" line at once and nothing awaits in between.
  const firstStart = (await countAccounts(store)) === 0;
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await stop();
    const problem = classifyListenError(error, { host: config.host, port: config.port });
    if (!problem) throw error;
    throw new CommandFailure(describeStartupProblem(problem), EXIT.usage);
  }
  // Only a process that got its port starts collecting: one that cannot listen (another server has the port,
  // maybe on the same database) must not run a scheduler pass on its way out.
  background = await startBackgroundWork({
    store,
    config,
    logger,
    collectorFor: service.collectorFor,
    attempts,
    metrics: service.metrics,
    scheduler: options.scheduler,
    soleScheduler: store.dialect === 'sqlite',
  });
  context.readiness.ready = true;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    `contentstats listening on http://localhost:${port} (database ${store.dialect}, docs at /docs)`,
  );
  if (firstStart) writeLine(io.stdout, firstSteps(Boolean(config.adminToken), port));

  onShutdownSignal(logger, stop);
}

function firstSteps(adminApi: boolean, port: number): string {
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
  return lines.join('\n');
}
