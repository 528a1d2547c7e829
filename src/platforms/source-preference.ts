// A source that keeps failing in a way that says it is broken for us (a bot check, a format we no longer
// read) while the source after it answers costs every video a wasted request per slot. After
// `failuresBeforeFallback` such failures in a row the collector goes straight to the fallback for a
// cool-down, then tries the source again; if that first try fails the same way, the next cool-down is
// twice as long (up to `maxCoolDownMs`); a success forgets it all.
import type { CollectResult, FailureKind } from './types.ts';

export interface SourcePreferenceOptions {
  now: () => number;
  failuresBeforeFallback?: number;
  coolDownMs?: number;
  maxCoolDownMs?: number;
}

export const DEFAULT_PREFERENCE = {
  failuresBeforeFallback: 3,
  coolDownMs: 15 * 60_000,
  maxCoolDownMs: 4 * 60 * 60_000,
};

/** Failures that say the source is broken for this server, not that the video or the moment is. */
const BROKEN_SOURCE: ReadonlySet<FailureKind> = new Set(['blocked', 'format_changed']);

export interface SourcePreference {
  /** True during a cool-down: ask the fallback first. */
  skipSource(): boolean;
  /** The source's own result, and the fallback's when it was asked after it. */
  report(source: CollectResult, fallback?: CollectResult): void;
  /** When the current cool-down ends (0 when none). */
  readonly coolDownUntilMs: number;
}

export function createSourcePreference(options: SourcePreferenceOptions): SourcePreference {
  const threshold = options.failuresBeforeFallback ?? DEFAULT_PREFERENCE.failuresBeforeFallback;
  const baseCoolDownMs = options.coolDownMs ?? DEFAULT_PREFERENCE.coolDownMs;
  const maxCoolDownMs = options.maxCoolDownMs ?? DEFAULT_PREFERENCE.maxCoolDownMs;
  let brokenInARow = 0;
  let coolDownMs = baseCoolDownMs;
  let until = 0;
  // The source has been passed over before and not answered since: its next failure re-opens the cool-down.
  let onProbation = false;

  return {
    get coolDownUntilMs() {
      return until;
    },
    skipSource: () => options.now() < until,
    report(source, fallback) {
      if (source.ok || !BROKEN_SOURCE.has(source.error.kind)) {
        // Counts or a definite answer: the source works. A passing outage says nothing either way.
        if (source.ok || source.error.kind === 'not_found' || source.error.kind === 'private') {
          brokenInARow = 0;
          coolDownMs = baseCoolDownMs;
          onProbation = false;
        }
        return;
      }
      if (!fallback?.ok) return;
      brokenInARow++;
      if (onProbation || brokenInARow >= threshold) {
        if (onProbation) coolDownMs = Math.min(maxCoolDownMs, coolDownMs * 2);
        until = options.now() + coolDownMs;
        brokenInARow = 0;
        onProbation = true;
      }
    },
  };
}
