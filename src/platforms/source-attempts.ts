// What each read of a source came to, reported by the collectors as they read (one call per source tried
// for a video): the health of every source (`health/`) is counted from these. Reporting must stay cheap —
// it sits on the collection path — so the sink only counts in memory.
import { type CollectResult, FAILURE_KINDS, type FailureKind, type PlatformName } from './types.ts';

/** A read that gave counts, or the kind of its failure. */
export type SourceOutcome = 'success' | FailureKind;
export const SOURCE_OUTCOMES: readonly SourceOutcome[] = ['success', ...FAILURE_KINDS];

/**
 * Outcomes that show the source working: counts, or a definite answer about the video (it is private, it
 * does not exist). The others say the source could not answer.
 */
export const WORKING_OUTCOMES: ReadonlySet<SourceOutcome> = new Set(['success', 'not_found', 'private']);

export type RecordAttempt = (platform: PlatformName, source: string, outcome: SourceOutcome) => void;

export const outcomeOf = (result: CollectResult): SourceOutcome =>
  result.ok ? 'success' : result.error.kind;

/** What the live collectors are given besides the configuration and the HTTP client. */
export interface CollectorRuntime {
  recordAttempt: RecordAttempt;
  now: () => number;
}

export const DEFAULT_RUNTIME: CollectorRuntime = { recordAttempt: () => undefined, now: Date.now };
