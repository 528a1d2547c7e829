// Data retention: removing the snapshots of trackings that ended before a date (`contentstats prune`), after
// writing them out if asked. What stays: the video (its counters, tags, metadata, share links), the whole
// ledger and every running total behind GET /usage (account_usage), none of which is derived from snapshot
// rows. What goes: every snapshot row of those videos, collected and missed.
//
// Safe to stop at any point and to run again: the only state is the database's. A video holding no row is
// done; a run deletes what is left, so running it again finishes the job. Deletes go in transactions of at
// most `batchSize` rows: whole videos together while they fit, a longer video oldest slots first over several
// (so a stopped run leaves that video with its newest slots). On PostgreSQL a partition of snapshots whose
// trackings all ended before the cutoff goes whole first (a DROP: no long delete, no dead rows to vacuum;
// store/snapshot-partitions.ts), and the rest row by row. Only videos that ended before the cutoff qualify,
// and the cutoff may not be later than now: an ended video never changes again (no status leads back to
// monitoring, nothing records a slot for it), so the videos exported are exactly those deleted.
import type { SnapshotExportRow } from '../exports/rows.ts';
import { snapshotExportPages } from '../exports/rows.ts';
import { err, ok, type Result } from '../result.ts';
import {
  addTallies,
  deleteOldestSnapshots,
  deleteSnapshotsOf,
  EMPTY_TALLY,
  type PrunableCursor,
  type PrunableVideo,
  prunableVideosPage,
  type SnapshotTally,
  tallySnapshots,
} from '../store/prune.ts';
import { ENDED_STATUSES, type VideoRow, type VideoStatus } from '../store/schema.ts';
import { droppableSnapshotPartitions, dropSnapshotPartition } from '../store/snapshot-partitions.ts';
import { type NotInTransaction, writeTransaction } from '../store/transaction.ts';
import { findVideo } from '../store/videos.ts';
import { hasPendingSnapshotsBefore, unrenderedPendingEvents } from '../store/webhooks.ts';
import { expandPendingSnapshots } from '../webhooks/expand-pending-snapshots.ts';
import { renderDeferredPayload } from '../webhooks/snapshot-payload.ts';

export type { SnapshotTally } from '../store/prune.ts';

/** Snapshot rows deleted per transaction unless told otherwise. */
export const DEFAULT_PRUNE_BATCH = 2_000;
/** Videos read per page while looking for those to prune. */
const VIDEO_PAGE = 200;

/** What a prune finds to remove: videos, and their snapshot rows tallied. */
export interface PruneTotals {
  videos: number;
  snapshots: SnapshotTally;
}

/** What has been deleted so far. */
export interface PruneProgress {
  /** Videos left with no snapshot row. */
  videos: number;
  /** Snapshot rows deleted. */
  rows: number;
  /** Transactions committed. */
  batches: number;
  /** Partitions dropped whole (PostgreSQL), counted in `batches` too. */
  partitions: number;
  /** The longest of them, from its start to its commit. */
  longestTransactionMs: number;
}

/** Where the snapshots are written before anything is deleted. */
export interface PruneExport {
  /** Writes every page to the target and resolves once the target is complete and durable. */
  write(pages: AsyncGenerator<SnapshotExportRow[]>): Promise<void>;
}

export interface PruneOptions {
  endedBefore: number;
  now: number;
  dryRun: boolean;
  /** Snapshot rows deleted per transaction at most. */
  batchSize?: number;
  export?: PruneExport;
  /** Called after each committed transaction (progress; a test stops the run here). */
  afterBatch?: (progress: Readonly<PruneProgress>) => void | Promise<void>;
}

export interface PruneDone {
  /** What the run found to remove when it started: what it removed, unless another run took part of it. */
  planned: PruneTotals;
  /** What it deleted (nothing in a dry run). */
  deleted: PruneProgress;
  /** Collected snapshots written to the export (null without one). */
  exportedRows: number | null;
  /** snapshot.created bodies rendered ahead of their first delivery (see settleWebhookBodies). */
  webhookBodiesRendered: number;
}

export type PruneError =
  | { kind: 'ended_before_in_future'; endedBefore: number; now: number }
  | { kind: 'export_incomplete'; expected: number; written: number };

export async function pruneSnapshots(
  store: NotInTransaction,
  options: PruneOptions,
): Promise<Result<PruneDone, PruneError>> {
  const { endedBefore, now } = options;
  if (endedBefore > now) return err({ kind: 'ended_before_in_future', endedBefore, now });
  const planned = await planPrune(store, endedBefore);
  const done: PruneDone = {
    planned,
    deleted: { videos: 0, rows: 0, batches: 0, partitions: 0, longestTransactionMs: 0 },
    exportedRows: null,
    webhookBodiesRendered: 0,
  };
  const target = options.export;
  if (options.dryRun) return ok(done);
  if (target) {
    let written = 0;
    async function* counted() {
      for await (const page of prunedSnapshotPages(store, endedBefore)) {
        written += page.length;
        yield page;
      }
    }
    await target.write(counted());
    done.exportedRows = written;
    // Nothing is deleted unless the file holds every collected snapshot that is about to go.
    if (written !== planned.snapshots.collected) {
      return err({ kind: 'export_incomplete', expected: planned.snapshots.collected, written });
    }
  }
  done.webhookBodiesRendered = await settleWebhookBodies(store, endedBefore);
  const committed = async (batch: Batch) => {
    const deleted = done.deleted;
    deleted.videos += batch.videos;
    deleted.rows += batch.rows;
    deleted.batches++;
    if (batch.partition) deleted.partitions++;
    deleted.longestTransactionMs = Math.max(deleted.longestTransactionMs, batch.ms);
    await options.afterBatch?.({ ...deleted });
  };
  for (const partition of await droppableSnapshotPartitions(store, endedBefore)) {
    const started = performance.now();
    const dropped = await dropSnapshotPartition(store, partition.block, now);
    await committed({ ...dropped, ms: performance.now() - started, partition: true });
  }
  await deleteEndedSnapshots(store, endedBefore, now, options.batchSize ?? DEFAULT_PRUNE_BATCH, committed);
  return ok(done);
}

/** The videos that ended before the cutoff and still hold snapshot rows, a page at a time, as they ended. */
async function* prunableVideos(store: NotInTransaction, endedBefore: number) {
  let after: PrunableCursor | undefined;
  for (;;) {
    const page = await prunableVideosPage(store, endedBefore, after, VIDEO_PAGE);
    if (page.length === 0) return;
    yield page;
    if (page.length < VIDEO_PAGE) return;
    const last = page.at(-1)!;
    after = { endedAt: last.ended_at, id: last.id };
  }
}

/** What a prune with this cutoff would remove now: it reads and changes nothing else. */
export async function planPrune(store: NotInTransaction, endedBefore: number): Promise<PruneTotals> {
  const totals: PruneTotals = { videos: 0, snapshots: { ...EMPTY_TALLY } };
  for await (const page of prunableVideos(store, endedBefore)) {
    const tallies = await tallySnapshots(
      store,
      page.map((v) => v.id),
    );
    for (const tally of tallies.values()) {
      totals.videos++;
      totals.snapshots = addTallies(totals.snapshots, tally);
    }
  }
  return totals;
}

/**
 * The collected snapshots about to be pruned as the public snapshot export shows them (its rows, columns and
 * growth deltas), video after video in order of their end: each video's rows are the public export of that one
 * video.
 */
export async function* prunedSnapshotPages(
  store: NotInTransaction,
  endedBefore: number,
): AsyncGenerator<SnapshotExportRow[]> {
  for await (const page of prunableVideos(store, endedBefore)) {
    for (const video of page) {
      yield* snapshotExportPages(store, {
        scope: { accountId: video.account_id, mode: video.mode, videoId: video.id },
        window: {},
      });
    }
  }
}

/**
 * A snapshot.created event's body is rendered from its snapshot at the event's first delivery
 * (webhooks/snapshot-payload.ts). So that a delivery still waiting when the snapshot is pruned sends what it
 * would have sent, the batches recorded before the cutoff are expanded into their events now (what the
 * delivery workers do), and the bodies of the pending events of videos about to be pruned are rendered and
 * frozen now, with the same code and bytes. Events delivered or attempted once already carry their body.
 * Returns how many bodies it rendered.
 */
export async function settleWebhookBodies(store: NotInTransaction, endedBefore: number): Promise<number> {
  // Each round takes the oldest batches; with a worker expanding at the same time, rounds may find none.
  while (await hasPendingSnapshotsBefore(store, endedBefore)) await expandPendingSnapshots(store, 100);
  let rendered = 0;
  let after = '';
  for (;;) {
    const events = await unrenderedPendingEvents(store, endedBefore, after, 100);
    if (events.length === 0) return rendered;
    for (const event of events) {
      const videoId = (JSON.parse(event.deferred_data) as { video_id?: string }).video_id;
      const video = videoId === undefined ? undefined : await findVideo(store, videoId);
      if (!video || !isPrunable(video, endedBefore)) continue;
      const body = await renderDeferredPayload(store, {
        id: event.id,
        type: event.type,
        createdAt: event.created_at,
        deferredData: event.deferred_data,
      });
      if (body !== undefined) rendered++;
    }
    after = events.at(-1)!.id;
  }
}

/** The rule prunableVideosPage applies in SQL, for one video already read. */
function isPrunable(video: VideoRow, endedBefore: number): boolean {
  return (
    (ENDED_STATUSES as readonly VideoStatus[]).includes(video.status) &&
    video.ended_at !== null &&
    Number(video.ended_at) < endedBefore &&
    video.snapshots_pruned_at === null
  );
}

interface Batch {
  /** Videos this transaction left with no row. */
  videos: number;
  rows: number;
  ms: number;
  /** A whole partition dropped rather than rows deleted. */
  partition?: boolean;
}

/**
 * Deletes the prunable videos' snapshot rows, at most `batchSize` per transaction: whole videos together while
 * their counters say they fit, and a video holding more, oldest slots first, in transactions of its own.
 */
async function deleteEndedSnapshots(
  store: NotInTransaction,
  endedBefore: number,
  prunedAt: number,
  batchSize: number,
  committed: (batch: Batch) => Promise<void>,
): Promise<void> {
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const value = await work();
    return [value, performance.now() - started];
  };
  for await (const page of prunableVideos(store, endedBefore)) {
    let group: PrunableVideo[] = [];
    let groupRows = 0;
    const flush = async () => {
      if (group.length === 0) return;
      const ids = group.map((v) => v.id);
      const [rows, ms] = await timed(() =>
        writeTransaction(store, (tx) => deleteSnapshotsOf(tx, ids, prunedAt)),
      );
      const videos = group.length;
      group = [];
      groupRows = 0;
      await committed({ videos, rows, ms });
    };
    for (const video of page) {
      if (video.counted_rows > batchSize) {
        await flush();
        for (;;) {
          const [slice, ms] = await timed(() =>
            writeTransaction(store, (tx) => deleteOldestSnapshots(tx, video.id, batchSize, prunedAt)),
          );
          await committed({ videos: slice.remaining ? 0 : 1, rows: slice.deleted, ms });
          if (!slice.remaining) break;
        }
        continue;
      }
      if (groupRows + video.counted_rows > batchSize) await flush();
      group.push(video);
      groupRows += video.counted_rows;
    }
    await flush();
  }
}
