// Writing trackings. The probe is the slow part of a track and runs concurrently; the write is short and, on
// SQLite, has the one write connection to itself. Tracks whose probes finish while a write is queued or running
// therefore share the next one: one transaction that locks each account once, checks every track in arrival
// order against the account as the earlier ones left it, and writes all the admitted ones with a handful of
// statements.
import { effectiveLimits } from '../billing/plans.ts';
import { err, ok } from '../result.ts';
import { lockAccount } from '../store/accounts.ts';
import type { Account, Mode } from '../store/schema.ts';
import { type Executor, type NotInTransaction, type Tx, writeTransaction } from '../store/transaction.ts';
import { countActiveVideos } from '../store/videos.ts';
import { type NewTracking, startTrackings } from './start-trackings.ts';
import type { TrackError, TrackGuard, TrackResult } from './track-result.ts';

/** A tracking to write, with its caller's guard when it has one. */
export type GuardedTracking = NewTracking & { guard?: TrackGuard };

/** Checks the tracks against their locked accounts, in order, and starts the admitted ones. */
export async function admitAndStart(tx: Tx, trackings: readonly GuardedTracking[]): Promise<TrackResult[]> {
  const accountIds = [...new Set(trackings.map(({ video }) => video.account_id))].sort();
  // In id order: concurrent batches lock shared accounts in the same order (PostgreSQL), never in a cycle.
  const accounts = new Map<string, Account | undefined>();
  for (const id of accountIds) accounts.set(id, await lockAccount(tx, id));
  const reservedInBatch = new Map<string, number>();
  const activeInBatch = new Map<string, number>();
  const results: Array<TrackResult | undefined> = [];
  const admitted: GuardedTracking[] = [];
  for (const tracking of trackings) {
    const { account_id: accountId, mode, reserved_micro_usd: reserve } = tracking.video;
    if (tracking.guard && !(await tracking.guard.holds(tx))) {
      results.push(err({ kind: 'superseded' }));
      continue;
    }
    const locked = accounts.get(accountId);
    if (!locked) {
      results.push(err({ kind: 'account_disabled' }));
      continue;
    }
    const modeKey = `${accountId}\u0000${mode}`;
    const refusal = await checkAccountCanTrack(tx, locked, mode, reserve, {
      reservedMicroUsd: reservedInBatch.get(accountId) ?? 0,
      activeVideos: activeInBatch.get(modeKey) ?? 0,
    });
    if (refusal) {
      results.push(err(refusal));
      continue;
    }
    reservedInBatch.set(accountId, (reservedInBatch.get(accountId) ?? 0) + reserve);
    activeInBatch.set(modeKey, (activeInBatch.get(modeKey) ?? 0) + 1);
    results.push(undefined);
    admitted.push(tracking);
  }
  const started = await startTrackings(tx, admitted);
  for (const [i, { guard }] of admitted.entries()) {
    if (guard) await guard.started(tx, started[i]!.video, started[i]!.firstSnapshot);
  }
  let next = 0;
  return results.map((result) => result ?? ok(started[next++]!));
}

interface QueuedTracking {
  tracking: GuardedTracking;
  resolve(result: TrackResult): void;
  reject(error: unknown): void;
}

/** The queue of admitted probes waiting for their write, for one database. */
class TrackWrites {
  private queued: QueuedTracking[] = [];

  constructor(private readonly store: NotInTransaction) {}

  write(tracking: GuardedTracking): Promise<TrackResult> {
    return new Promise((resolve, reject) => {
      this.queued.push({ tracking, resolve, reject });
      // The first one queued asks for a write; whoever is queued when it starts is written in it.
      if (this.queued.length === 1) void this.writeQueued();
    });
  }

  private async writeQueued(): Promise<void> {
    let batch: QueuedTracking[] | undefined;
    let results: TrackResult[];
    try {
      results = await writeTransaction(this.store, (tx) => {
        batch = this.queued;
        this.queued = [];
        return admitAndStart(
          tx,
          batch.map(({ tracking }) => tracking),
        );
      });
    } catch (error) {
      if (!batch) {
        // The transaction failed before it began (say, the database stayed locked): none of the queued tracks
        // was written, and none will be unless asked again.
        const unwritten = this.queued;
        this.queued = [];
        for (const queued of unwritten) queued.reject(error);
        return;
      }
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Nothing of the batch was kept. Each is written alone, so whatever failed fails only its own track.
      await Promise.all(
        batch.map(({ tracking, resolve, reject }) =>
          writeTransaction(this.store, (tx) => admitAndStart(tx, [tracking])).then(
            ([result]) => resolve(result!),
            reject,
          ),
        ),
      );
      return;
    }
    for (const [i, queued] of (batch ?? []).entries()) queued.resolve(results[i]!);
  }
}

const defaultTrackWrites = new WeakMap<object, TrackWrites>();

/** One queue per database (its Kysely instance), shared by all that write to it. */
export function trackWritesFor(store: NotInTransaction): TrackWrites {
  let writes = defaultTrackWrites.get(store.db);
  if (!writes) {
    writes = new TrackWrites(store);
    defaultTrackWrites.set(store.db, writes);
  }
  return writes;
}

/** What earlier tracks of the same batch took, not yet written when a later one is checked. */
interface TakenInBatch {
  reservedMicroUsd: number;
  activeVideos: number;
}

const NOTHING_TAKEN: TakenInBatch = { reservedMicroUsd: 0, activeVideos: 0 };

export async function checkAccountCanTrack(
  ex: Executor,
  account: Account,
  mode: Mode,
  reserveMicroUsd: number,
  taken: TakenInBatch = NOTHING_TAKEN,
): Promise<TrackError | null> {
  if (account.disabled) return { kind: 'account_disabled' };
  const available = account.balance_micro_usd - account.reserved_micro_usd - taken.reservedMicroUsd;
  if (available < reserveMicroUsd) {
    return {
      kind: 'insufficient_balance',
      availableMicroUsd: available,
      estimatedCostMicroUsd: reserveMicroUsd,
    };
  }
  const { maxActiveVideos } = effectiveLimits(account);
  if (
    maxActiveVideos !== null &&
    (taken.activeVideos >= maxActiveVideos ||
      (await countActiveVideos(ex, account.id, mode, maxActiveVideos - taken.activeVideos)) +
        taken.activeVideos >=
        maxActiveVideos)
  ) {
    return { kind: 'active_video_limit', limit: maxActiveVideos };
  }
  return null;
}
