// A worker has no API, but an orchestrator still asks it whether it lives and Prometheus still scrapes it: the
// same /livez, /readyz and /metrics as `serve` answers, on PORT, from a bare node:http server.
import { createServer, type Server } from 'node:http';
import { sql } from 'kysely';
import type { Metrics } from '../observability/metrics.ts';
import type { Store } from '../store/database.ts';

export interface ProbeServer {
  readiness: { ready: boolean };
  port: number;
  close(): Promise<void>;
}

const json = (status: number, body: object) => ({
  status,
  type: 'application/json',
  body: JSON.stringify(body),
});

export async function startProbeServer(options: {
  store: Store;
  metrics: Metrics;
  host: string;
  port: number;
}): Promise<ProbeServer> {
  const readiness = { ready: false };
  const answer = async (path: string) => {
    if (path === '/livez') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      if (!readiness.ready) return json(503, { status: 'unavailable', reason: 'starting or shutting down' });
      try {
        await sql`select 1`.execute(options.store.db);
      } catch {
        return json(503, { status: 'unavailable', reason: 'database unreachable' });
      }
      return json(200, { status: 'ready' });
    }
    if (path === '/metrics')
      return {
        status: 200,
        type: 'text/plain; version=0.0.4; charset=utf-8',
        body: await options.metrics.scrape(),
      };
    return json(404, { error: 'Not found' });
  };
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const reply =
      request.method === 'GET' ? answer(path) : Promise.resolve(json(405, { error: 'Method not allowed' }));
    void reply.then(({ status, type, body }) => {
      response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    readiness,
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
