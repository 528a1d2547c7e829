import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectInvariants } from '../../test/support/invariants.ts';
import { createTestStore, DIALECTS, type TestStore } from '../../test/support/stores.ts';
import { FIRST_OBSERVATION, TIKTOK_REF } from '../../test/support/tracking-fixtures.ts';
import { createAccount } from '../accounts/accounts.ts';
import { reservationMicroUsd } from '../billing/pricing.ts';
import { updateAccountSettings } from '../store/accounts.ts';
import type { Mode } from '../store/schema.ts';
import { writeTransaction } from '../store/transaction.ts';
import { totalSlots } from './slots.ts';
import type { NewTracking } from './start-trackings.ts';
import { newTracking } from './track.ts';
import { admitAndStart, trackWritesFor } from './track-writes.ts';

const COST = 15_000;
const SEVEN_DAYS = reservationMicroUsd(totalSlots(7), COST, 'live');
const ref = TIKTOK_REF;
const observation = FIRST_OBSERVATION;

let emails = 0;

describe.each(DIALECTS)('writing concurrent tracks together (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.destroy());

  async function account(creditMicroUsd: number): Promise<string> {
    const created = await createAccount(store, {
      email: `batch${++emails}@example.com`,
      plan: 'pro',
      creditMicroUsd,
      now: 1_000,
    });
    if (!created.ok) throw new Error(created.error.kind);
    return created.value.account.id;
  }

  const tracking = (accountId: string, mode: Mode = 'live', at = 2_000): NewTracking =>
    newTracking(
      { intervalSeconds: 3_600, costPerSnapshotMicroUsd: COST },
      { accountId, mode, videoLink: ref.canonicalUrl, durationDays: 7 },
      ref,
      observation,
      at,
    );

  it('checks each against the money the earlier ones of its batch left', async () => {
    const accountId = await account(2 * SEVEN_DAYS + 1);
    const results = await writeTransaction(store, (tx) =>
      admitAndStart(tx, [tracking(accountId), tracking(accountId), tracking(accountId)]),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    // The third is refused with what the first two left, before anything of the batch was written.
    expect(results[2]).toEqual({
      ok: false,
      error: { kind: 'insufficient_balance', availableMicroUsd: 1, estimatedCostMicroUsd: SEVEN_DAYS },
    });
    await expectInvariants(store, accountId);
  });

  it('checks each against the videos the earlier ones of its batch started', async () => {
    const accountId = await account(0);
    await updateAccountSettings(store, accountId, { max_active_videos: 3 });
    await writeTransaction(store, (tx) => admitAndStart(tx, [tracking(accountId, 'test')]));
    const results = await writeTransaction(store, (tx) =>
      admitAndStart(
        tx,
        [1, 2, 3, 4].map(() => tracking(accountId, 'test')),
      ),
    );
    expect(results.map((r) => (r.ok ? 'started' : r.error.kind))).toEqual([
      'started',
      'started',
      'active_video_limit',
      'active_video_limit',
    ]);
    await expectInvariants(store, accountId);
  });

  it('answers each track with its own video and first snapshot', async () => {
    const accountId = await account(10 * SEVEN_DAYS);
    const batch = [tracking(accountId, 'live', 5_000), tracking(accountId, 'live', 6_000)];
    const results = await writeTransaction(store, (tx) => admitAndStart(tx, batch));
    for (const [i, result] of results.entries()) {
      if (!result.ok) throw new Error(result.error.kind);
      const { video, firstSnapshot } = result.value;
      expect(video.id).toBe(batch[i]!.video.id);
      expect(video.next_slot).toBe(1);
      expect(video.reserved_micro_usd).toBe(SEVEN_DAYS - COST);
      expect(firstSnapshot).toMatchObject({ video_id: batch[i]!.video.id, slot: 0, views: '1000' });
    }
    await expectInvariants(store, accountId);
  });

  it('a write that fails in a batch fails alone: the others are written', async () => {
    const accountId = await account(10 * SEVEN_DAYS);
    const existing = tracking(accountId);
    await trackWritesFor(store).write(existing);
    // The same video id again cannot be inserted: the batch's transaction fails, then each is written alone.
    const duplicate = {
      ...tracking(accountId),
      video: { ...tracking(accountId).video, id: existing.video.id },
    };
    const outcomes = await Promise.allSettled([
      trackWritesFor(store).write(tracking(accountId)),
      trackWritesFor(store).write(duplicate),
      trackWritesFor(store).write(tracking(accountId)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes.every((o) => o.status === 'rejected' || o.value.ok)).toBe(true);
    const videos = await store.db
      .selectFrom('videos')
      .select('id')
      .where('account_id', '=', accountId)
      .execute();
    expect(videos).toHaveLength(3);
    await expectInvariants(store, accountId);
  });
});

describe('tracks queued while the database stays locked (SQLite)', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('sqlite');
  });
  afterAll(() => store.destroy());

  it('are refused, not left waiting, and later tracks are written once the lock is gone', async () => {
    const created = await createAccount(store, {
      email: 'locked@example.com',
      creditMicroUsd: 0,
      now: 1_000,
    });
    if (!created.ok) throw new Error(created.error.kind);
    const accountId = created.value.account.id;
    const tracking = () =>
      newTracking(
        { intervalSeconds: 3_600, costPerSnapshotMicroUsd: COST },
        { accountId, mode: 'test', videoLink: ref.canonicalUrl, durationDays: 1 },
        ref,
        observation,
        2_000,
      );
    // Another process holds the write lock; this one gives up waiting for it after 50 ms.
    await sql`pragma busy_timeout = 50`.execute(store.db);
    const other = new SqliteDatabase(store.url.slice('sqlite:'.length));
    other.exec('begin immediate');
    try {
      const outcomes = await Promise.allSettled([
        trackWritesFor(store).write(tracking()),
        trackWritesFor(store).write(tracking()),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    } finally {
      other.exec('rollback');
      other.close();
    }
    const after = await trackWritesFor(store).write(tracking());
    expect(after.ok).toBe(true);
    await expectInvariants(store, accountId);
  });
});
