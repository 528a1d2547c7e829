// The composition root: builds every part from the config and wires the ports (store dialect, clock,
// collectors). The CLI and the tests both start the service through here.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp } from './api/app.ts';
import { createAuthenticator } from './api/auth.ts';
import type { ApiContext } from './api/context.ts';
import { createAddressRateLimiter, createRateLimiter, createSharedRateLimiter } from './api/rate-limit.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { readSourceHealth } from './health/source-health.ts';
import { publishSourceHealth } from './health/source-health-metrics.ts';
import { countWaitingEmails } from './notify/email-outbox-rows.ts';
import { createMetrics, type Metrics, SERVICE_METRICS } from './observability/metrics.ts';
import { byPlatform } from './platforms/registry.ts';
import { createSimulatorCollector } from './platforms/simulator/simulator.ts';
import type { Collector, PlatformName } from './platforms/types.ts';
import type { Store } from './store/database.ts';
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
  const metrics = createMetrics(SERVICE_METRICS);
  // Gauges read from the database when Prometheus scrapes, so they are right in every process.
  metrics.onScrape(async () => {
    metrics.set('contentstats_videos_monitoring', await countMonitoringVideos(store));
    metrics.set('contentstats_outbox_pending', await countWaitingEmails(store));
    publishSourceHealth(metrics, await readSourceHealth(store, clock.now()));
  });
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
  return { app, context, metrics, collectorFor };
}
