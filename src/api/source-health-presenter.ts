// Source health rows → the JSON of GET /admin/v1/health/sources.
import type { Config } from '../config.ts';
import type { SourceHealth, WindowHealth } from '../health/source-health.ts';
import { PLATFORMS, type PlatformName } from '../platforms/types.ts';
import { iso } from './iso-time.ts';

const presentWindow = (health: WindowHealth) => ({
  attempts: health.attempts,
  working_share: health.workingShare,
  outcomes: health.outcomeShares,
});

export function presentSourceHealth(
  sources: readonly SourceHealth[],
  nowMs: number,
  config: Pick<Config, 'sourceAlert' | 'operatorEmail'>,
) {
  return {
    generated_at: iso(nowMs),
    alert: {
      below_share: config.sourceAlert.belowShare,
      window_minutes: Math.round(config.sourceAlert.windowMs / 60_000),
      min_attempts: config.sourceAlert.minAttempts,
      operator_email_set: config.operatorEmail !== undefined,
    },
    sources: sources
      // Rows of a platform this version no longer knows are left out rather than break the answer's schema.
      .filter((health) => (PLATFORMS as readonly string[]).includes(health.platform))
      .map((health) => ({
        platform: health.platform as PlatformName,
        source: health.source,
        last_hour: presentWindow(health.lastHour),
        last_day: presentWindow(health.lastDay),
        last_success_at: health.lastSuccessAt === null ? null : iso(health.lastSuccessAt),
        state: health.state,
        state_changed_at: health.stateChangedAt === null ? null : iso(health.stateChangedAt),
      })),
  };
}
