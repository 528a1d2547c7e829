// GET /admin/v1/health/sources: how each platform source fares, for the operator.
import type { FastifyInstance } from 'fastify';
import { readSourceHealth } from '../../health/source-health.ts';
import type { ApiContext } from '../context.ts';
import { sourceHealthListSchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { presentSourceHealth } from '../source-health-presenter.ts';

export const sourceHealthRoute = defineRoute({
  method: 'GET',
  path: '/admin/v1/health/sources',
  operationId: 'getSourceHealth',
  tag: 'admin',
  summary:
    'Per platform source: share of working reads and of each failure kind over the last hour and day, last success, alert state',
  auth: 'admin',
  responses: {
    200: jsonResponse('Every source read in the last day', sourceHealthListSchema, examples.sourceHealth),
  },
});

export function registerSourceHealth(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, sourceHealthRoute, async () => {
    const now = ctx.clock.now();
    return presentSourceHealth(await readSourceHealth(ctx.store, now), now, ctx.config);
  });
}
