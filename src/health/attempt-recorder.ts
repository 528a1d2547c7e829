// Counts every source read in memory, per minute, platform, source and outcome, and adds the counts to the
// database when flushed (every process its own, so a fleet's totals are the sum). Recording is a map
// update: the collection path never waits on the database.
import type { Clock } from '../clock.ts';
import type { RecordAttempt } from '../platforms/source-attempts.ts';
import { type AttemptBucket, addSourceAttempts, deleteSourceAttemptsBefore } from '../store/source-health.ts';
import type { NotInTransaction } from '../store/transaction.ts';

const MINUTE_MS = 60_000;
/** Minutes are kept for the day the health endpoint reads, and a day more. */
export const ATTEMPTS_RETENTION_MS = 2 * 24 * 60 * MINUTE_MS;

export interface AttemptRecorder {
  recordAttempt: RecordAttempt;
  /** Adds what was counted since the last flush to the database. Counts are kept for the next flush if it fails. */
  flush(): Promise<void>;
  /** Attempts counted and not yet flushed. */
  readonly pending: number;
}

export function createAttemptRecorder(options: { store: NotInTransaction; clock: Clock }): AttemptRecorder {
  const { store, clock } = options;
  let buckets = new Map<string, AttemptBucket>();
  let pending = 0;
  let lastPruneMinute = 0;

  return {
    get pending() {
      return pending;
    },
    recordAttempt(platform, source, outcome) {
      const now = clock.now();
      const minuteStart = now - (now % MINUTE_MS);
      const key = `${minuteStart}|${platform}|${source}|${outcome}`;
      const bucket = buckets.get(key);
      if (bucket) {
        bucket.attempts++;
        bucket.lastAt = now;
      } else {
        buckets.set(key, { minuteStart, platform, source, outcome, attempts: 1, lastAt: now });
      }
      pending++;
    },
    async flush() {
      const taken = buckets;
      buckets = new Map();
      const takenCount = pending;
      pending = 0;
      try {
        await addSourceAttempts(store, [...taken.values()]);
      } catch (error) {
        // Put the counts back (merged with any counted meanwhile) for the next flush.
        for (const [key, bucket] of taken) {
          const newer = buckets.get(key);
          if (newer) {
            newer.attempts += bucket.attempts;
            newer.lastAt = Math.max(newer.lastAt, bucket.lastAt);
          } else buckets.set(key, bucket);
        }
        pending += takenCount;
        throw error;
      }
      const minute = clock.now() - (clock.now() % MINUTE_MS);
      if (minute - lastPruneMinute >= 60 * MINUTE_MS) {
        lastPruneMinute = minute;
        await deleteSourceAttemptsBefore(store, minute - ATTEMPTS_RETENTION_MS);
      }
    },
  };
}
