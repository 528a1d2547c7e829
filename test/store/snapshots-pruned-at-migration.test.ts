// Migration 011 on a database with data: every video gets `snapshots_pruned_at` null — also one whose rows a
// prune removed before 011, when no time was kept — and the index prune pages through. The first prune after
// it marks what it empties and leaves that older one as it is.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/platforms/types.ts';
import { pruneSnapshots } from '../../src/retention/prune.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { lockVideo } from '../../src/store/videos.ts';
import { endOrPause } from '../../src/tracking/end-or-pause.ts';
import { startTrackings } from '../../src/tracking/start-trackings.ts';
import { newTracking } from '../../src/tracking/track.ts';
import { insertEmptyAccount } from '../support/accounts.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 20, 12);

const observed: Observation = {
  metrics: { views: 100n, likes: 1n, comments: 1n, shares: 1n, saves: 1n },
  metadata: { title: 'T', creator: 'c', description: null },
  provider: 'tiktok-web',
};

async function track(store: TestStore, n: number) {
  const videoId = `73${String(n).padStart(16, '0')}7`;
  const tracking = newTracking(
    { intervalSeconds: 3600, costPerSnapshotMicroUsd: 15_000 },
    {
      accountId: 'acc_011',
      mode: 'test',
      videoLink: `https://www.tiktok.com/@_/video/${videoId}`,
      durationDays: 1,
    },
    { platform: 'tiktok', videoId, canonicalUrl: `https://www.tiktok.com/@_/video/${videoId}` },
    observed,
    START,
  );
  const [started] = await writeTransaction(store, (tx) => startTrackings(tx, [tracking]));
  return started!.video;
}

describe.each(DIALECTS)('migration 011-snapshots-pruned-at on a database with data (%s)', (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createTestStore(dialect, { upTo: '010-compact-snapshots' });
    await insertEmptyAccount(store, 'acc_011');
  });
  afterEach(() => store.destroy());

  it('gives every video null, adds the index, and the next prune marks only what it empties', async () => {
    const running = await track(store, 1);
    const ended = await track(store, 2);
    const prunedBefore = await track(store, 3);
    for (const video of [ended, prunedBefore]) {
      await writeTransaction(store, async (tx) =>
        endOrPause(tx, (await lockVideo(tx, video.id))!, 'cancelled', START + HOUR),
      );
    }
    // A prune of version 010 removed this one's rows: nothing recorded when.
    await sql`delete from snapshots where video_key = ${prunedBefore.video_key}`.execute(store.db);

    expect(await migrateToLatest(store)).toEqual({ ok: true, value: ['011-snapshots-pruned-at'] });
    const marks = async () =>
      Object.fromEntries(
        (await store.db.selectFrom('videos').select(['id', 'snapshots_pruned_at']).execute()).map((v) => [
          v.id,
          v.snapshots_pruned_at === null ? null : Number(v.snapshots_pruned_at),
        ]),
      );
    expect(await marks()).toEqual({ [running.id]: null, [ended.id]: null, [prunedBefore.id]: null });
    const indexes =
      dialect === 'sqlite'
        ? await sql<{ name: string }>`
            select name from sqlite_master where type = 'index' and name = 'videos_prune_candidates'`.execute(
            store.db,
          )
        : await sql<{ name: string }>`
            select indexname as name from pg_indexes
            where schemaname = current_schema() and indexname = 'videos_prune_candidates'`.execute(store.db);
    expect(indexes.rows.map((row) => row.name)).toEqual(['videos_prune_candidates']);

    const now = START + 2 * HOUR;
    const pruned = await pruneSnapshots(store, { endedBefore: now, now, dryRun: false });
    expect(pruned.ok && pruned.value.deleted).toMatchObject({ videos: 1, rows: 1 });
    expect(await marks()).toEqual({ [running.id]: null, [ended.id]: now, [prunedBefore.id]: null });
  });
});
