// /livez, /readyz and /metrics: outside /api/v1, no key needed.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { ApiContext } from '../context.ts';

export function registerService(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/livez', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (!ctx.readiness.ready)
      return reply.code(503).send({ status: 'unavailable', reason: 'starting or shutting down' });
    try {
      await sql`select 1`.execute(ctx.store.db);
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
    return { status: 'ready' };
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(await ctx.metrics.scrape());
  });
}
