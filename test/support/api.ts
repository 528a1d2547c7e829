// Builds the real service on a real database for HTTP-level tests (through app.inject).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { TestClock } from '../../src/clock.ts';
import {
  type ComposeOptions,
  composeService,
  type LiveCollectors,
  type ServiceParts,
} from '../../src/compose.ts';
import { type Config, testConfig } from '../../src/config.ts';
import type { Dialect } from '../../src/store/database.ts';
import { createTestStore, type TestStore } from './stores.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApi {
  app: FastifyInstance;
  store: TestStore;
  clock: TestClock;
  parts: ServiceParts;
  config: Config;
  close(): Promise<void>;
  /** Creates an account through the operator API; returns its id and both keys. */
  createAccount(options?: {
    creditUsd?: number;
    plan?: string;
    email?: string;
  }): Promise<{ id: string; liveKey: string; testKey: string }>;
  call(
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
    url: string,
    options?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
}

let accountCounter = 0;

/**
 * The service one process runs (API, collectors), composed on a database and ready for requests: what each
 * process of a deployment is. Tests compose several on one database to play several processes.
 */
export async function readyService(
  options: Pick<ComposeOptions, 'store' | 'config' | 'clock' | 'liveCollectors'>,
): Promise<ServiceParts> {
  const parts = await composeService({ ...options, probeRetryDelayMs: 0 });
  parts.context.readiness.ready = true;
  await parts.app.ready();
  return parts;
}

export async function createTestApi(
  dialect: Dialect,
  options: { config?: Partial<Config>; liveCollectors?: LiveCollectors; clock?: TestClock } = {},
): Promise<TestApi> {
  const store = await createTestStore(dialect);
  const clock = options.clock ?? new TestClock();
  const config = testConfig({ adminToken: ADMIN_TOKEN, ...options.config });
  const parts = await readyService({ store, config, clock, liveCollectors: options.liveCollectors ?? {} });
  const app = parts.app;

  const call: TestApi['call'] = (method, url, opts = {}) =>
    app.inject({
      method,
      url,
      headers: { ...(opts.key ? { 'x-api-key': opts.key } : {}), ...opts.headers },
      ...(opts.body === undefined ? {} : { payload: opts.body as object }),
    });

  return {
    app,
    store,
    clock,
    parts,
    config,
    call,
    async createAccount(o = {}) {
      const response = await call('POST', '/admin/v1/accounts', {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        body: {
          email: o.email ?? `user${++accountCounter}-${Date.now()}@example.com`,
          credit_usd: o.creditUsd ?? 0,
          ...(o.plan ? { plan: o.plan } : {}),
        },
      });
      if (response.statusCode !== 201) throw new Error(`account creation failed: ${response.body}`);
      const body = response.json();
      return { id: body.account.id, liveKey: body.api_key, testKey: body.test_api_key };
    },
    async close() {
      await app.close();
      await store.destroy();
    },
  };
}
