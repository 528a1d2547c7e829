// `contentstats worker`: the scale mode's collector process. Any number of them, on any number of machines,
// share one PostgreSQL database: each leases its own due slots (FOR UPDATE SKIP LOCKED), so a slot is never
// collected by two at once, and a worker that dies only leaves leases that expire and are taken again.
import pino from 'pino';
import { systemClock } from '../clock.ts';
import { routeCollectors } from '../compose.ts';
import { createAttemptRecorder } from '../health/attempt-recorder.ts';
import { createHttpClient } from '../http/client.ts';
import { createLiveCollectors } from '../platforms/live-collectors.ts';
import { onShutdownSignal, startBackgroundWork } from './background.ts';
import type { CliIo } from './io.ts';
import { configOrFail, openMigratedStore } from './runtime.ts';

export async function workerCommand(io: CliIo): Promise<void> {
  const config = configOrFail(io);
  const logger = pino({ level: config.logLevel }, io.logDestination);
  const store = await openMigratedStore(config);
  if (store.dialect === 'sqlite') {
    logger.warn('worker on SQLite: `npm start` already runs the scheduler; workers are meant for PostgreSQL');
  }
  const http = createHttpClient({ upstreams: config.upstreams, proxyUrls: config.proxyUrls });
  const attempts = createAttemptRecorder({ store, clock: systemClock });
  const collectorFor = routeCollectors(
    systemClock,
    createLiveCollectors(config, http, { recordAttempt: attempts.recordAttempt, now: systemClock.now }),
  );
  const background = await startBackgroundWork({
    store,
    config,
    logger,
    collectorFor,
    attempts,
    scheduler: true,
    soleScheduler: false,
  });
  logger.info(`contentstats worker collecting (database ${store.dialect})`);
  onShutdownSignal(logger, async () => {
    await background.stop();
    await http.close();
    await store.close();
  });
}
