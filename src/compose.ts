// The composition root: builds every part from the config and wires the ports (store dialect, clock,
// collectors). The CLI and the tests both start the service through here.
import { readFileSync } from 'node:fs';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp } from './api/app.ts';
import { createAuthenticator } from './api/auth.ts';
import type { ApiContext } from './api/context.ts';
import { createAddressRateLimiter, createRateLimiter, createSharedRateLimiter } from './api/rate-limit.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { readSourceHealth } from './health/source-health.ts';
import { publishSourceHealth } from './health/source-health-metrics.ts';
import { countWaitingEmails, GIVEN_UP_AT } from './notify/email-outbox-rows.ts';
import { createMetrics, type Metrics, SERVICE_METRICS } from './observability/metrics.ts';
import { processMetrics } from './observability/process-metrics.ts';
import { byPlatform } from './platforms/registry.ts';
import { createSimulatorCollector } from './platforms/simulator/simulator.ts';
import type { Collector, PlatformName } from './platforms/types.ts';
import type { Store } from './store/database.ts';
import { createFleetReporter } from './store/fleet-reporter.ts';
import { countOutboxBacklog } from './store/outbox.ts';
import type { Mode } from './store/schema.ts';
import { countMonitoringVideos } from './store/videos.ts';
import type { TrackingDeps } from './tracking/track.ts';

export type LiveCollectors = Partial<Record<PlatformName, Collector>>;

export interface ServiceParts {
  app: FastifyInstance;
  context: ApiContext;
  metrics: Metrics;
  collectorFor: (mode: Mode, platform: PlatformName) => Collector | undefined;
}

export interface ComposeOptions {
  store: Store;
  config: Config;
  clock: Clock;
  liveCollectors: LiveCollectors;
  logger?: FastifyBaseLogger;
  probeRetryDelayMs?: number;
}

export type CollectorFor = (mode: Mode, platform: PlatformName) => Collector | undefined;

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Gauges read from the database, reported by one process of the fleet (store/fleet-reporter.ts). */
const DATABASE_GAUGES = [
  'contentstats_videos_monitoring',
  'contentstats_outbox_pending',
  'contentstats_outbox_backlog',
  'contentstats_source_attempts',
  'contentstats_source_outcome_ratio',
  'contentstats_source_working_ratio',
  'contentstats_source_last_success_timestamp_seconds',
] as const;

/**
 * Every process's metrics: the service's counters and histograms, the process's own, build_info, and the
 * database gauges when this process is the fleet's reporter. `close` frees the reporter's lock and connection
 * (before the store closes).
 */
export function createServiceMetrics(
  store: Store,
  clock: Clock,
): { metrics: Metrics; close(): Promise<void> } {
  const metrics = createMetrics(SERVICE_METRICS, processMetrics());
  metrics.set('contentstats_build_info', 1, { version, node: process.version });
  const reporter = createFleetReporter(store);
  metrics.onScrape(async () => {
    if (!(await reporter.isReporter())) {
      for (const name of DATABASE_GAUGES) metrics.reset(name);
      return;
    }
    metrics.set('contentstats_videos_monitoring', await countMonitoringVideos(store));
    metrics.set('contentstats_outbox_pending', await countWaitingEmails(store));
    metrics.reset('contentstats_outbox_backlog');
    metrics.set('contentstats_outbox_backlog', 0, { kind: 'email' });
    for (const { kind, count } of await countOutboxBacklog(store, GIVEN_UP_AT))
      metrics.set('contentstats_outbox_backlog', count, { kind });
    publishSourceHealth(metrics, await readSourceHealth(store, clock.now()));
  });
  return { metrics, close: () => reporter.close() };
}

/** Test keys never touch a real platform: their world is the simulator's; live keys get the real collectors. */
export function routeCollectors(clock: Clock, liveCollectors: LiveCollectors): CollectorFor {
  const simulators = byPlatform((platform) => createSimulatorCollector(platform.name, clock));
  return (mode, platform) => (mode === 'test' ? simulators[platform] : liveCollectors[platform]);
}

/** What tracking needs, from the config: the API's tracks and the CLI's `track --file` share it. */
export function composeTrackingDeps(
  store: Store,
  config: Config,
  clock: Clock,
  liveCollectors: LiveCollectors,
  probeRetryDelayMs = 500,
): TrackingDeps {
  return {
    store,
    clock,
    intervalSeconds: config.snapshotIntervalSeconds,
    costPerSnapshotMicroUsd: config.costPerSnapshotMicroUsd,
    collectorFor: routeCollectors(clock, liveCollectors),
    probeRetryDelayMs,
  };
}

export async function composeService(options: ComposeOptions): Promise<ServiceParts> {
  const { store, config, clock } = options;
  const tracking = composeTrackingDeps(
    store,
    config,
    clock,
    options.liveCollectors,
    options.probeRetryDelayMs,
  );
  const collectorFor = tracking.collectorFor;
  const { metrics, close: closeMetrics } = createServiceMetrics(store, clock);
  const context: ApiContext = {
    store,
    clock,
    config,
    tracking,
    authenticator: createAuthenticator(store, clock),
    // SQLite serves the API from one process; on PostgreSQL several API processes count each key together.
    rateLimiter:
      store.dialect === 'postgres' ? createSharedRateLimiter(store, clock) : createRateLimiter(clock),
    addressRateLimiter: createAddressRateLimiter(clock),
    metrics,
    readiness: { ready: false },
  };
  const app = await buildApp(context, options.logger);
  // The fleet reporter may hold a pooled connection: it is given back before anyone closes the store.
  app.addHook('onClose', closeMetrics);
  return { app, context, metrics, collectorFor };
}
