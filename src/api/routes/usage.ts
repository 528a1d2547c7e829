import type { FastifyInstance } from 'fastify';
import { microUsdToUsd } from '../../billing/money.ts';
import { findAccount } from '../../store/accounts.ts';
import { usageCounts } from '../../store/videos.ts';
import type { ApiContext } from '../context.ts';

export function registerUsage(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/usage', async (request) => {
    const { mode } = request.auth;
    const account = (await findAccount(ctx.store, request.auth.account.id)) ?? request.auth.account;
    const counts = await usageCounts(ctx.store, account.id, mode);
    const cost = ctx.config.costPerSnapshotMicroUsd;
    // Test mode never charges: nothing is reserved or charged in that world.
    const reserved = mode === 'live' ? account.reserved_micro_usd : 0;
    return {
      balance_usd: microUsdToUsd(account.balance_micro_usd),
      total_snapshots: counts.snapshotsCollected,
      active_videos: counts.activeVideos,
      uncharged_usage_usd: microUsdToUsd(reserved),
      total_charged_usd: microUsdToUsd(counts.chargedMicroUsd),
      estimated_snapshots_remaining: cost > 0 ? Math.floor(account.balance_micro_usd / cost) : 0,
      cost_per_snapshot: microUsdToUsd(cost),
      available_usd: microUsdToUsd(account.balance_micro_usd - reserved),
      mode,
    };
  });
}
