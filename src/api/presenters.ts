// Rows → the API's JSON (docs/api.md). Times as ISO strings with milliseconds, money in USD, counts as
// strings. Videos and snapshots are presented in presentation/video.ts (webhook payloads carry them too).
import { microUsdToUsd } from '../billing/money.ts';
import { effectiveLimits } from '../billing/plans.ts';
import { isChargedMode, snapshotsAffordable } from '../billing/pricing.ts';
import { iso } from '../presentation/iso-time.ts';
import type { Account, ApiKeyRow, Mode, ShareLinkRow } from '../store/schema.ts';
import type { AccountUsage } from '../store/usage.ts';

export {
  type PresentedSnapshot,
  presentSnapshot,
  presentTrackedVideo,
  presentVideoDetail,
  presentVideoListItem,
} from '../presentation/video.ts';

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function presentKey(key: ApiKeyRow) {
  return {
    id: key.id,
    prefix: key.prefix,
    mode: key.mode,
    name: key.name,
    created_at: iso(key.created_at),
    last_used_at: key.last_used_at === null ? null : iso(key.last_used_at),
    revoked_at: key.revoked_at === null ? null : iso(key.revoked_at),
  };
}

export function presentAccount(account: Account) {
  const limits = effectiveLimits(account);
  return {
    id: account.id,
    email: account.email,
    plan: account.plan,
    disabled: account.disabled === 1,
    balance_usd: microUsdToUsd(account.balance_micro_usd),
    reserved_usd: microUsdToUsd(account.reserved_micro_usd),
    available_usd: microUsdToUsd(account.balance_micro_usd - account.reserved_micro_usd),
    rate_limit_per_minute: limits.requestsPerMinute,
    max_active_videos: limits.maxActiveVideos,
    overrides: {
      rate_limit_per_minute: account.rate_limit_per_minute,
      max_active_videos: account.max_active_videos,
    },
    created_at: iso(account.created_at),
  };
}

/** The body of GET /usage (its shape is `usageSchema`, compiled into the route's serializer). */
export function presentUsage(usage: AccountUsage, mode: Mode, costPerSnapshotMicroUsd: number) {
  const cost = costPerSnapshotMicroUsd;
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

// Growth is computed where the exports compute it, so the API and every export agree.
export { growthDeltas, NO_DELTAS, SNAPSHOT_METRICS } from '../exports/growth.ts';

export function presentShareLink(link: ShareLinkRow, now: number) {
  return {
    id: link.id,
    prefix: link.prefix,
    video_id: link.video_id,
    tag: link.tag,
    mode: link.mode,
    origin: link.origin,
    status:
      link.revoked_at !== null
        ? ('revoked' as const)
        : link.expires_at !== null && link.expires_at <= now
          ? ('expired' as const)
          : ('active' as const),
    created_at: iso(link.created_at),
    expires_at: isoOrNull(link.expires_at),
    revoked_at: isoOrNull(link.revoked_at),
  };
}
