// /livez, /readyz and /metrics: outside /api/v1, no key needed.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import { livenessSchema, notReadySchema, readinessSchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';

export const livenessRoute = defineRoute({
  method: 'GET',
  path: '/livez',
  operationId: 'getLiveness',
  tag: 'service',
  summary: 'Answers while the process runs',
  auth: 'none',
  responses: { 200: jsonResponse('Alive', livenessSchema, examples.liveness) },
});

export const readinessRoute = defineRoute({
  method: 'GET',
  path: '/readyz',
  operationId: 'getReadiness',
  tag: 'service',
  summary: 'Ready for requests: started, not shutting down, and the database answers',
  auth: 'none',
  responses: {
    200: jsonResponse('Ready', readinessSchema, examples.readiness),
    503: jsonResponse('Starting, shutting down, or the database is unreachable', notReadySchema),
  },
});

export const metricsRoute = defineRoute({
  method: 'GET',
  path: '/metrics',
  operationId: 'getMetrics',
  tag: 'service',
  summary: 'Prometheus metrics',
  auth: 'none',
  responses: {
    200: {
      description: 'The Prometheus text format',
      content: { 'text/plain': { schema: z.string(), example: examples.metrics } },
    },
  },
});

export function registerService(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, livenessRoute, async () => ({ status: 'ok' }));

  registerRoute(app, readinessRoute, async (_request, reply) => {
    if (!ctx.readiness.ready)
      return reply.code(503).send({ status: 'unavailable', reason: 'starting or shutting down' });
    try {
      await sql`select 1`.execute(ctx.store.db);
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
    return { status: 'ready' };
  });

  registerRoute(app, metricsRoute, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(await ctx.metrics.scrape());
  });
}
