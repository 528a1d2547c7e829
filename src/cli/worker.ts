// `contentstats worker`: the scale mode's collector process. Any number of them, on any number of machines,
// share one PostgreSQL database: each leases its own due slots (FOR UPDATE SKIP LOCKED), so a slot is never
// collected by two at once, and a worker that dies only leaves leases that expire and are taken again. It
// answers /livez, /readyz and /metrics on PORT (probe-server.ts) for health checks and Prometheus.
import pino from 'pino';
import { systemClock } from '../clock.ts';
import { createServiceMetrics, routeCollectors } from '../compose.ts';
import { createAttemptRecorder } from '../health/attempt-recorder.ts';
import { createHttpClient } from '../http/client.ts';
import { createLiveCollectors } from '../platforms/live-collectors.ts';
import type { SchedulerLock } from '../store/scheduler-lock.ts';
import { onShutdownSignal, startBackgroundWork } from './background.ts';
import { CommandFailure, EXIT } from './failure.ts';
import type { CliIo } from './io.ts';
import { type ProbeServer, startProbeServer } from './probe-server.ts';
import { configOrFail, holdSchedulerLock, openMigratedStore } from './runtime.ts';
import { classifyListenError, describeStartupProblem } from './startup-errors.ts';

export async function workerCommand(io: CliIo): Promise<void> {
  const config = configOrFail(io);
  const logger = pino({ level: config.logLevel }, io.logDestination);
  const store = await openMigratedStore(config, { applicationName: 'contentstats-worker' });
  let schedulerLock: SchedulerLock | undefined;
  try {
    schedulerLock = holdSchedulerLock(config, 'leasing');
  } catch (error) {
    await store.close();
    throw error;
  }
  if (store.dialect === 'sqlite') {
    logger.warn('worker on SQLite: `npm start` already runs the scheduler; workers are meant for PostgreSQL');
  }
  const { metrics, close: closeMetrics } = createServiceMetrics(store, systemClock);
  let probes: ProbeServer;
  try {
    probes = await startProbeServer({ store, metrics, host: config.host, port: config.port });
  } catch (error) {
    await closeMetrics();
    await store.close();
    schedulerLock?.release();
    const problem = classifyListenError(error, { host: config.host, port: config.port });
    if (!problem) throw error;
    throw new CommandFailure(describeStartupProblem(problem), EXIT.usage);
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
    metrics,
    scheduler: true,
    soleScheduler: false,
  });
  probes.readiness.ready = true;
  logger.info(
    `contentstats worker collecting (database ${store.dialect}; /livez, /readyz and /metrics on port ${probes.port})`,
  );
  onShutdownSignal(logger, async () => {
    probes.readiness.ready = false;
    await background.stop();
    await probes.close();
    await closeMetrics();
    await http.close();
    await store.close();
    schedulerLock?.release();
  });
}
