import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { microUsdToUsd } from '../../billing/money.ts';
import { accountUsage } from '../../store/usage.ts';
import type { ApiContext } from '../context.ts';
import { usageSchema } from '../schemas.ts';

export function registerUsage(app: FastifyInstance, ctx: ApiContext): void {
  // A response schema lets Fastify serialize with a compiled serializer instead of JSON.stringify.
  const response = { 200: z.toJSONSchema(usageSchema, { target: 'draft-7' }) };
  app.get('/usage', { schema: { response } }, async (request) => {
    const { mode, account } = request.auth;
    const usage = (await accountUsage(ctx.store, account.id, mode))!;
    const cost = ctx.config.costPerSnapshotMicroUsd;
    // Test mode never charges: nothing is reserved or charged in that world.
    const reserved = mode === 'live' ? usage.reservedMicroUsd : 0;
    return {
      balance_usd: microUsdToUsd(usage.balanceMicroUsd),
      total_snapshots: usage.snapshotsCollected,
      active_videos: usage.activeVideos,
      uncharged_usage_usd: microUsdToUsd(reserved),
      total_charged_usd: microUsdToUsd(usage.chargedMicroUsd),
      estimated_snapshots_remaining: cost > 0 ? Math.floor(usage.balanceMicroUsd / cost) : 0,
      cost_per_snapshot: microUsdToUsd(cost),
      available_usd: microUsdToUsd(usage.balanceMicroUsd - reserved),
      mode,
    };
  });
}
