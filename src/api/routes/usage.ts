import type { FastifyInstance } from 'fastify';
import { accountUsage } from '../../store/usage.ts';
import type { ApiContext } from '../context.ts';
import { usageSchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { presentUsage } from '../presenters.ts';

export const usageRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/usage',
  operationId: 'getUsage',
  tag: 'usage',
  summary: 'Balance and usage',
  auth: 'apiKey',
  responses: { 200: jsonResponse('Usage', usageSchema, examples.usage) },
  // A body of numbers: Fastify's compiled serializer writes it faster than JSON.stringify.
  compiledSerializer: true,
});

export function registerUsage(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, usageRoute, (request, reply) => {
    const { mode, account } = request.auth;
    // On SQLite the numbers are read at once: no promise on the most frequent request.
    const usage = accountUsage(ctx.store, account.id, mode);
    if (usage instanceof Promise) {
      usage.then(
        (found) => reply.send(presentUsage(found!, mode, ctx.config.costPerSnapshotMicroUsd)),
        (error: unknown) => reply.send(error),
      );
    } else {
      reply.send(presentUsage(usage!, mode, ctx.config.costPerSnapshotMicroUsd));
    }
    return reply;
  });
}
