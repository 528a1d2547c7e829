// Rows → the API's JSON (docs/api.md). Times as ISO strings with milliseconds, money in USD, counts as
// strings. Videos and snapshots are presented in presentation/video.ts (webhook payloads carry them too).
import { microUsdToUsd } from '../billing/money.ts';
import { effectiveLimits } from '../billing/plans.ts';
import { isChargedMode, snapshotsAffordable } from '../billing/pricing.ts';
import { iso } from '../presentation/iso-time.ts';
import type { Account, ApiKeyRow, Mode } from '../store/schema.ts';
import type { SnapshotRow } from '../store/snapshots.ts';
import type { AccountUsage } from '../store/usage.ts';

export {
  type PresentedSnapshot,
  presentSnapshot,
  presentTrackedVideo,
  presentVideoDetail,
  presentVideoListItem,
} from '../presentation/video.ts';

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

export const SNAPSHOT_METRICS = ['views', 'likes', 'comments', 'shares', 'saves'] as const;

type Deltas = Record<`${(typeof SNAPSHOT_METRICS)[number]}_delta`, string | null>;

/** Growth since the previous collected snapshot; null when either side lacks the metric. */
export function growthDeltas(current: SnapshotRow, previous: SnapshotRow | undefined): Deltas {
  const deltas = {} as Deltas;
  for (const metric of SNAPSHOT_METRICS) {
    const now = current[metric];
    const before = previous?.[metric];
    deltas[`${metric}_delta`] =
      now === null || before === null || before === undefined
        ? null
        : (BigInt(now) - BigInt(before)).toString();
  }
  return deltas;
}

export const NO_DELTAS: Readonly<Deltas> = Object.fromEntries(
  SNAPSHOT_METRICS.map((m) => [`${m}_delta`, null]),
) as Deltas;
