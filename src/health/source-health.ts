// What GET /admin/v1/health/sources and the /metrics gauges say about each platform source: over the last
// hour and day, how many reads there were and what share came to each outcome, the share that worked
// (counts, or a definite "private" / "not found"), when it last succeeded and its alert state.

import { SOURCE_OUTCOMES, type SourceOutcome, WORKING_OUTCOMES } from '../platforms/source-attempts.ts';
import { PLATFORMS } from '../platforms/types.ts';
import { listSourceHealth, type OutcomeTotal, sourceAttemptTotals } from '../store/source-health.ts';
import type { Executor } from '../store/transaction.ts';

export const HOUR_MS = 60 * 60_000;
export const DAY_MS = 24 * HOUR_MS;

export interface WindowHealth {
  attempts: number;
  /** Share (0–1) of the attempts that worked; null without attempts. */
  workingShare: number | null;
  /** Share (0–1) of the attempts per outcome (every outcome listed, 0 when none). */
  outcomeShares: Record<SourceOutcome, number>;
}

export interface SourceHealth {
  platform: string;
  source: string;
  lastHour: WindowHealth;
  lastDay: WindowHealth;
  lastSuccessAt: number | null;
  state: 'ok' | 'degraded';
  stateChangedAt: number | null;
}

/** Per source: attempts per outcome. */
export type OutcomeCounts = Map<string, { platform: string; source: string; counts: Map<string, number> }>;

export function groupBySource(totals: readonly OutcomeTotal[]): OutcomeCounts {
  const grouped: OutcomeCounts = new Map();
  for (const total of totals) {
    const key = sourceKey(total.platform, total.source);
    const entry = grouped.get(key) ?? { platform: total.platform, source: total.source, counts: new Map() };
    entry.counts.set(total.outcome, (entry.counts.get(total.outcome) ?? 0) + total.attempts);
    grouped.set(key, entry);
  }
  return grouped;
}

export const sourceKey = (platform: string, source: string) => `${platform}\u0000${source}`;

export function windowHealth(counts: ReadonlyMap<string, number> | undefined): WindowHealth {
  let attempts = 0;
  let working = 0;
  for (const [outcome, count] of counts ?? []) {
    attempts += count;
    if (WORKING_OUTCOMES.has(outcome as SourceOutcome)) working += count;
  }
  const outcomeShares = Object.fromEntries(
    SOURCE_OUTCOMES.map((outcome) => [outcome, attempts === 0 ? 0 : (counts?.get(outcome) ?? 0) / attempts]),
  ) as Record<SourceOutcome, number>;
  return { attempts, workingShare: attempts === 0 ? null : working / attempts, outcomeShares };
}

/** Every source read in the last day or ever recorded as succeeding or alerted, platforms in their order. */
export async function readSourceHealth(ex: Executor, nowMs: number): Promise<SourceHealth[]> {
  const [hour, day, states] = await Promise.all([
    sourceAttemptTotals(ex, nowMs - HOUR_MS),
    sourceAttemptTotals(ex, nowMs - DAY_MS),
    listSourceHealth(ex),
  ]);
  const lastHour = groupBySource(hour);
  const lastDay = groupBySource(day);
  const stateOf = new Map(states.map((row) => [sourceKey(row.platform, row.source), row]));
  const keys = new Map<string, { platform: string; source: string }>();
  for (const entry of [...lastDay.values(), ...states])
    keys.set(sourceKey(entry.platform, entry.source), entry);
  const platformOrder = (platform: string) => {
    const index = (PLATFORMS as readonly string[]).indexOf(platform);
    return index === -1 ? PLATFORMS.length : index;
  };
  return [...keys.entries()]
    .sort(
      ([, a], [, b]) =>
        platformOrder(a.platform) - platformOrder(b.platform) || a.source.localeCompare(b.source),
    )
    .map(([key, { platform, source }]) => {
      const state = stateOf.get(key);
      return {
        platform,
        source,
        lastHour: windowHealth(lastHour.get(key)?.counts),
        lastDay: windowHealth(lastDay.get(key)?.counts),
        lastSuccessAt: state?.last_success_at ?? null,
        state: state?.state ?? 'ok',
        stateChangedAt: state?.state_changed_at ?? null,
      };
    });
}
