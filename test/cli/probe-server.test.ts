// A worker's /livez, /readyz and /metrics (what its container health check and Prometheus ask).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProbeServer, startProbeServer } from '../../src/cli/probe-server.ts';
import { createMetrics, SERVICE_METRICS } from '../../src/observability/metrics.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

describe.each(DIALECTS)("a worker's probe server (%s)", (dialect) => {
  let store: TestStore;
  let probes: ProbeServer;
  const get = (path: string, method = 'GET') =>
    fetch(`http://127.0.0.1:${probes.port}${path}`, { method }).then(async (r) => ({
      status: r.status,
      type: r.headers.get('content-type'),
      body: await r.text(),
    }));

  beforeAll(async () => {
    store = await createTestStore(dialect);
    const metrics = createMetrics(SERVICE_METRICS);
    metrics.increment('contentstats_snapshots_missed_total', { platform: 'tiktok' });
    probes = await startProbeServer({ store, metrics, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await probes.close();
    await store.destroy();
  });

  it('is alive at once and ready only once the worker says so', async () => {
    expect(await get('/livez')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect(await get('/readyz')).toMatchObject({
      status: 503,
      body: '{"status":"unavailable","reason":"starting or shutting down"}',
    });
    probes.readiness.ready = true;
    expect(await get('/readyz')).toMatchObject({ status: 200, body: '{"status":"ready"}' });
  });

  it("serves the worker's metrics in the Prometheus text format", async () => {
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toContain('contentstats_snapshots_missed_total{platform="tiktok"} 1');
  });

  it('answers anything else 404, and other methods 405', async () => {
    expect((await get('/api/v1/usage')).status).toBe(404);
    expect((await get('/livez', 'POST')).status).toBe(405);
  });
});
