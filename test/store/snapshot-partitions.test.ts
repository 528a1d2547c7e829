// PostgreSQL keeps the snapshots in one partition per block of video keys, each month starting a new block
// (store/snapshot-partitions.ts): rows land in their block's partition, maintenance keeps the next ones ready
// and moves what the default partition caught, and a block whose trackings all ended can be dropped whole.
// SQLite has none of it. Also here: the codes of snapshot sources, which must not outlive a rollback.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/platforms/types.ts';
import { pruneSnapshots } from '../../src/retention/prune.ts';
import { ledgerTotals } from '../../src/store/ledger.ts';
import {
  droppableSnapshotPartitions,
  dropSnapshotPartition,
  ensureSnapshotPartitions,
  KEYS_PER_BLOCK,
  snapshotPartitionBlocks,
} from '../../src/store/snapshot-partitions.ts';
import { listSnapshots } from '../../src/store/snapshots.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { findVideo, lockVideo } from '../../src/store/videos.ts';
import { endOrPause } from '../../src/tracking/end-or-pause.ts';
import { recordObservation } from '../../src/tracking/record-observations.ts';
import { startTrackings } from '../../src/tracking/start-trackings.ts';
import { newTracking } from '../../src/tracking/track.ts';
import { insertEmptyAccount } from '../support/accounts.ts';
import { expectInvariants } from '../support/invariants.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

const HOUR = 3_600_000;
const JANUARY = Date.UTC(2026, 0, 20, 12);
const FEBRUARY = Date.UTC(2026, 1, 3, 12);

const observed = (views: bigint, provider = 'tiktok-web'): Observation => ({
  metrics: { views, likes: 1n, comments: 1n, shares: 1n, saves: 1n },
  metadata: { title: 'T', creator: 'c', description: null },
  provider,
});

async function track(store: TestStore, n: number, at: number, mode: 'live' | 'test' = 'test') {
  const videoId = `73${String(n).padStart(16, '0')}7`;
  const tracking = newTracking(
    { intervalSeconds: 3600, costPerSnapshotMicroUsd: 15_000 },
    {
      accountId: 'acc_parts',
      mode,
      videoLink: `https://www.tiktok.com/@_/video/${videoId}`,
      durationDays: 1,
    },
    { platform: 'tiktok', videoId, canonicalUrl: `https://www.tiktok.com/@_/video/${videoId}` },
    observed(100n),
    at,
  );
  const [started] = await writeTransaction(store, (tx) => startTrackings(tx, [tracking]));
  return started!.video;
}

/** Each video's `snapshots_pruned_at`. */
async function prunedAt(store: TestStore): Promise<Map<string, number | null>> {
  const rows = await store.db.selectFrom('videos').select(['id', 'snapshots_pruned_at']).execute();
  return new Map(
    rows.map((v) => [v.id, v.snapshots_pruned_at === null ? null : Number(v.snapshots_pruned_at)]),
  );
}

async function partitionOf(store: TestStore, videoKey: number): Promise<string> {
  const result = await sql<{ partition: string }>`
    select distinct tableoid::regclass::text as partition from snapshots where video_key = ${videoKey}`.execute(
    store.db,
  );
  return result.rows.map((row) => row.partition).join(',');
}

describe('snapshot partitions (postgres)', () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createTestStore('postgres');
    await insertEmptyAccount(store, 'acc_parts');
  });
  afterEach(() => store.destroy());

  it('puts a video’s rows in its block’s partition and starts a new block each month', async () => {
    expect(await snapshotPartitionBlocks(store)).toEqual([0, 1]);
    const january = await track(store, 1, JANUARY);
    expect(await partitionOf(store, january.video_key)).toBe('snapshots_b0000');

    // Maintenance in February: the newest video is January's, so new keys start at block 1.
    expect(await ensureSnapshotPartitions(store, FEBRUARY)).toEqual({
      created: ['snapshots_b0002'],
      currentBlock: 1,
    });
    const february = await track(store, 2, FEBRUARY);
    expect(february.video_key).toBe(KEYS_PER_BLOCK);
    expect(await partitionOf(store, february.video_key)).toBe('snapshots_b0001');
    // Run again in the same month: nothing moves.
    expect(await ensureSnapshotPartitions(store, FEBRUARY + HOUR)).toEqual({ created: [], currentBlock: 1 });
    const later = await track(store, 3, FEBRUARY + 2 * HOUR);
    expect(later.video_key).toBe(KEYS_PER_BLOCK + 1);
  });

  it('catches rows in the default partition when a block has none, and moves them when it is made', async () => {
    // A block no partition was made for (as if maintenance had not run while a month took 3 blocks).
    await sql`select setval('video_keys', ${5 * KEYS_PER_BLOCK + 10})`.execute(store.db);
    const video = await track(store, 1, JANUARY);
    expect(await partitionOf(store, video.video_key)).toBe('snapshots_default');
    const done = await ensureSnapshotPartitions(store, JANUARY + HOUR);
    expect(done?.created).toEqual(['snapshots_b0005', 'snapshots_b0006']);
    expect(await partitionOf(store, video.video_key)).toBe('snapshots_b0005');
    const left = await sql<{ n: string }>`select count(*) as n from snapshots_default`.execute(store.db);
    expect(Number(left.rows[0]!.n)).toBe(0);
    expect((await listSnapshots(store, { video })).map((s) => [s.slot, s.views])).toEqual([[0, '100']]);
  });

  it('lists a block as droppable only once all its trackings ended before the date, and drops it whole', async () => {
    await sql`update accounts set balance_micro_usd = 10000000 where id = 'acc_parts'`.execute(store.db);
    await sql`insert into ledger_entries (account_id, kind, balance_delta_micro_usd, reserved_delta_micro_usd, created_at)
      values ('acc_parts', 'credit', 10000000, 0, 0)`.execute(store.db);
    const ended = await track(store, 1, JANUARY, 'live');
    const running = await track(store, 2, JANUARY + HOUR, 'live');
    await writeTransaction(store, async (tx) =>
      recordObservation(tx, (await lockVideo(tx, ended.id))!, 1, observed(150n), JANUARY + HOUR + 5),
    );
    await writeTransaction(store, async (tx) =>
      endOrPause(tx, (await lockVideo(tx, ended.id))!, 'cancelled', JANUARY + 2 * HOUR),
    );
    await ensureSnapshotPartitions(store, FEBRUARY);
    const february = await track(store, 3, FEBRUARY);
    const before = await ledgerTotals(store, 'acc_parts');

    // A video of block 0 still runs: nothing to drop.
    expect(await droppableSnapshotPartitions(store, FEBRUARY)).toEqual([]);
    await writeTransaction(store, async (tx) =>
      endOrPause(tx, (await lockVideo(tx, running.id))!, 'cancelled', JANUARY + 3 * HOUR),
    );
    // Ended, but not before this date.
    expect(await droppableSnapshotPartitions(store, JANUARY + 3 * HOUR)).toEqual([]);
    const droppable = await droppableSnapshotPartitions(store, FEBRUARY);
    expect(droppable).toEqual([{ name: 'snapshots_b0000', block: 0, videos: 2 }]);

    await dropSnapshotPartition(store, 0, FEBRUARY + 2 * HOUR);
    expect(await snapshotPartitionBlocks(store)).toEqual([1, 2]);
    // Every video of the block is marked pruned, in the drop's transaction; none of another block.
    expect(await prunedAt(store)).toEqual(
      new Map([
        [ended.id, FEBRUARY + 2 * HOUR],
        [running.id, FEBRUARY + 2 * HOUR],
        [february.id, null],
      ]),
    );
    expect(await listSnapshots(store, { video: (await findVideo(store, ended.id))! })).toEqual([]);
    // The ledger keeps every charge; only the snapshots went.
    expect(await ledgerTotals(store, 'acc_parts')).toMatchObject({
      balanceMicroUsd: before.balanceMicroUsd,
      chargedMicroUsd: before.chargedMicroUsd,
    });
  });
  it('prune drops a block whose trackings all ended whole, and deletes the rows of the others', async () => {
    const january = [await track(store, 1, JANUARY), await track(store, 2, JANUARY + HOUR)];
    await ensureSnapshotPartitions(store, FEBRUARY);
    const februaryEnded = await track(store, 3, FEBRUARY);
    const februaryRunning = await track(store, 4, FEBRUARY + HOUR);
    for (const video of [...january, februaryEnded]) {
      await writeTransaction(store, async (tx) =>
        recordObservation(tx, (await lockVideo(tx, video.id))!, 1, observed(150n), video.created_at + HOUR),
      );
      await writeTransaction(store, async (tx) =>
        endOrPause(tx, (await lockVideo(tx, video.id))!, 'cancelled', video.created_at + 2 * HOUR),
      );
    }
    const endedBefore = FEBRUARY + 3 * HOUR;
    const pruned = await pruneSnapshots(store, { endedBefore, now: endedBefore, dryRun: false });
    expect(pruned.ok && pruned.value.deleted).toMatchObject({
      // Block 0 (January's two videos, 2 rows each) in one drop; February's ended video row by row.
      partitions: 1,
      batches: 2,
      videos: 3,
      rows: 6,
    });
    expect(await snapshotPartitionBlocks(store)).toEqual([1, 2]);
    const heldBy = async (id: string) =>
      (await listSnapshots(store, { video: (await findVideo(store, id))! })).length;
    expect(await heldBy(februaryEnded.id)).toBe(0);
    // The block new videos enter is never dropped: the running video keeps its row.
    expect(await heldBy(februaryRunning.id)).toBe(1);
    // Marked pruned: the dropped block's videos and the one deleted row by row, at the run's time.
    expect(await prunedAt(store)).toEqual(
      new Map([
        [january[0]!.id, endedBefore],
        [january[1]!.id, endedBefore],
        [februaryEnded.id, endedBefore],
        [februaryRunning.id, null],
      ]),
    );
    await expectInvariants(store, 'acc_parts');
  });
});

describe.each(DIALECTS)('snapshot sources and partitions (%s)', (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createTestStore(dialect);
    await insertEmptyAccount(store, 'acc_parts');
  });
  afterEach(() => store.destroy());

  it('never keeps the code of a source added by a transaction that rolled back', async () => {
    const video = await track(store, 1, JANUARY);
    // The first reading from 'provider-a' rolls back: its new code goes with it ...
    await expect(
      writeTransaction(store, async (tx) => {
        await recordObservation(
          tx,
          (await lockVideo(tx, video.id))!,
          1,
          observed(1n, 'provider-a'),
          JANUARY + HOUR,
        );
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // ... and may be given to another source; 'provider-a' must then get its own.
    await writeTransaction(store, async (tx) =>
      recordObservation(tx, (await lockVideo(tx, video.id))!, 1, observed(2n, 'provider-b'), JANUARY + HOUR),
    );
    await writeTransaction(store, async (tx) =>
      recordObservation(
        tx,
        (await lockVideo(tx, video.id))!,
        2,
        observed(3n, 'provider-a'),
        JANUARY + 2 * HOUR,
      ),
    );
    const rows = await listSnapshots(store, { video: (await findVideo(store, video.id))! });
    expect(rows.map((s) => [s.slot, s.provider])).toEqual([
      [0, 'tiktok-web'],
      [1, 'provider-b'],
      [2, 'provider-a'],
    ]);
    await expectInvariants(store, 'acc_parts');
  });

  it.runIf(dialect === 'sqlite')('has no partitions on SQLite', async () => {
    await track(store, 1, JANUARY);
    expect(await snapshotPartitionBlocks(store)).toEqual([]);
    expect(await ensureSnapshotPartitions(store, FEBRUARY)).toBeUndefined();
    expect(await droppableSnapshotPartitions(store, FEBRUARY)).toEqual([]);
  });
});
