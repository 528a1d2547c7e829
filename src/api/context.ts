import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Executor } from '../store/transaction.ts';
import type { TrackingDeps } from '../tracking/track.ts';
import type { AuthContext, Authenticator } from './auth.ts';
import type { InMemoryRateLimiter, RateLimiter } from './rate-limit.ts';

/** Everything a route needs, passed explicitly. */
export interface ApiContext {
  store: Executor;
  clock: Clock;
  config: Config;
  tracking: TrackingDeps;
  authenticator: Authenticator;
  rateLimiter: RateLimiter;
  /** Requests without a valid key, per client address. */
  addressRateLimiter: InMemoryRateLimiter;
  metrics: Metrics;
  /** False while starting and while shutting down: /readyz answers 503. */
  readiness: { ready: boolean };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the /api/v1 authentication hook. */
    auth: AuthContext;
  }
}
