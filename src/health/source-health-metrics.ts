// Source health as Prometheus gauges, set from the database just before each scrape (so every process
// shows the fleet's numbers).
import type { Metrics } from '../observability/metrics.ts';
import type { SourceHealth, WindowHealth } from './source-health.ts';

export function publishSourceHealth(metrics: Pick<Metrics, 'set'>, sources: readonly SourceHealth[]): void {
  for (const health of sources) {
    const labels = { platform: health.platform, source: health.source };
    publishWindow(metrics, labels, '1h', health.lastHour);
    publishWindow(metrics, labels, '24h', health.lastDay);
    if (health.lastSuccessAt !== null)
      metrics.set('contentstats_source_last_success_timestamp_seconds', health.lastSuccessAt / 1000, labels);
  }
}

function publishWindow(
  metrics: Pick<Metrics, 'set'>,
  labels: { platform: string; source: string },
  window: string,
  health: WindowHealth,
): void {
  metrics.set('contentstats_source_attempts', health.attempts, { ...labels, window });
  if (health.workingShare !== null)
    metrics.set('contentstats_source_working_ratio', health.workingShare, { ...labels, window });
  for (const [outcome, share] of Object.entries(health.outcomeShares)) {
    metrics.set('contentstats_source_outcome_ratio', share, { ...labels, window, outcome });
  }
}
