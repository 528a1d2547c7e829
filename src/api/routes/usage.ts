import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { microUsdToUsd } from '../../billing/money.ts';
import { isChargedMode, snapshotsAffordable } from '../../billing/pricing.ts';
import type { Mode } from '../../store/schema.ts';
import { type AccountUsage, accountUsage } from '../../store/usage.ts';
import type { ApiContext } from '../context.ts';
import { usageSchema } from '../schemas.ts';

export function registerUsage(app: FastifyInstance, ctx: ApiContext): void {
  // A response schema lets Fastify serialize with a compiled serializer instead of JSON.stringify.
  const response = { 200: z.toJSONSchema(usageSchema, { target: 'draft-7' }) };
  app.get('/usage', { schema: { response } }, (request, reply) => {
    const { mode, account } = request.auth;
    // On SQLite the numbers are read at once: no promise on the most frequent request.
    const usage = accountUsage(ctx.store, account.id, mode);
    if (usage instanceof Promise) {
      usage.then(
        (found) => reply.send(present(found!, mode)),
        (error: unknown) => reply.send(error),
      );
    } else {
      reply.send(present(usage!, mode));
    }
    return reply;
  });

  function present(usage: AccountUsage, mode: Mode) {
    const cost = ctx.config.costPerSnapshotMicroUsd;
    // Test mode is free: nothing is reserved or charged in that world.
    const reserved = isChargedMode(mode) ? usage.reservedMicroUsd : 0;
    return {
      balance_usd: microUsdToUsd(usage.balanceMicroUsd),
      total_snapshots: usage.snapshotsCollected,
      active_videos: usage.activeVideos,
      uncharged_usage_usd: microUsdToUsd(reserved),
      total_charged_usd: microUsdToUsd(usage.chargedMicroUsd),
      estimated_snapshots_remaining: snapshotsAffordable(usage.balanceMicroUsd, cost),
      cost_per_snapshot: microUsdToUsd(cost),
      available_usd: microUsdToUsd(usage.balanceMicroUsd - reserved),
      mode,
    };
  }
}
