import type { Account } from '../store/schema.ts';

export const PLAN_NAMES = ['free', 'pro', 'enterprise'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

interface PlanLimits {
  requestsPerMinute: number;
  /** Videos monitored (or paused) at once per mode; null = unlimited. */
  maxActiveVideos: number | null;
  /** Webhook endpoints per mode. */
  maxWebhookEndpoints: number;
}

export const PLANS: Record<PlanName, PlanLimits> = {
  free: { requestsPerMinute: 60, maxActiveVideos: 10, maxWebhookEndpoints: 10 },
  pro: { requestsPerMinute: 300, maxActiveVideos: 100, maxWebhookEndpoints: 10 },
  // Enterprise rates are negotiated: the operator sets rate_limit_per_minute per account.
  enterprise: { requestsPerMinute: 1000, maxActiveVideos: null, maxWebhookEndpoints: 50 },
};

export const isPlanName = (value: string): value is PlanName =>
  (PLAN_NAMES as readonly string[]).includes(value);

/** The plan's limits with the account's overrides applied. */
export function effectiveLimits(
  account: Pick<Account, 'plan' | 'rate_limit_per_minute' | 'max_active_videos'>,
): PlanLimits {
  const plan = isPlanName(account.plan) ? PLANS[account.plan] : PLANS.free;
  return {
    requestsPerMinute: account.rate_limit_per_minute ?? plan.requestsPerMinute,
    maxActiveVideos: account.max_active_videos ?? plan.maxActiveVideos,
    maxWebhookEndpoints: plan.maxWebhookEndpoints,
  };
}
