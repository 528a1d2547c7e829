import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEmptyAccount } from '../../test/support/accounts.ts';
import { createTestStore, DIALECTS, type TestStore } from '../../test/support/stores.ts';
import type { Mode, UnkeyedVideoRow } from '../store/schema.ts';
import { writeTransaction } from '../store/transaction.ts';
import { advanceVideosOneSlot, findVideo, insertVideos } from '../store/videos.ts';
import {
  estimatedCostMicroUsd,
  isChargedMode,
  reservationMicroUsd,
  snapshotChargeMicroUsd,
  snapshotsAffordable,
} from './pricing.ts';

const PRICE = 15_000;

describe('what snapshots cost', () => {
  it('a live snapshot costs the price fixed on its video', () => {
    expect(snapshotChargeMicroUsd('live', PRICE)).toBe(PRICE);
    expect(snapshotChargeMicroUsd('live', 0)).toBe(0);
  });

  it('test mode is free: nothing charged, nothing reserved', () => {
    expect(isChargedMode('test')).toBe(false);
    expect(snapshotChargeMicroUsd('test', PRICE)).toBe(0);
    expect(reservationMicroUsd(168, PRICE, 'test')).toBe(0);
  });

  it('a live tracking reserves the charge of every slot it will collect', () => {
    expect(isChargedMode('live')).toBe(true);
    expect(reservationMicroUsd(168, PRICE, 'live')).toBe(2_520_000);
    expect(reservationMicroUsd(0, PRICE, 'live')).toBe(0);
  });

  it('the quoted estimate is the price of every slot, whatever the mode', () => {
    expect(estimatedCostMicroUsd(168, PRICE)).toBe(2_520_000);
  });

  it('a balance pays for whole snapshots only, and free snapshots are not counted', () => {
    expect(snapshotsAffordable(44_999, PRICE)).toBe(2);
    expect(snapshotsAffordable(45_000, PRICE)).toBe(3);
    expect(snapshotsAffordable(1_000_000, 0)).toBe(0);
  });
});

// The store cannot import billing, so advancing a batch of videos repeats the charge rule in SQL: the two must
// agree for every mode and price.
describe.each(DIALECTS)('the SQL advance of a batch charges what pricing says (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    await insertEmptyAccount(store, 'acc_pricing');
  });
  afterAll(() => store.destroy());

  const RESERVED = 10_000_000;
  const video = (id: string, mode: Mode, cost: number): UnkeyedVideoRow => ({
    id,
    job_id: `job_${id}`,
    account_id: 'acc_pricing',
    mode,
    platform: 'tiktok',
    platform_video_id: id,
    video_link: `https://www.tiktok.com/@someone/video/${id}`,
    canonical_url: `https://www.tiktok.com/@someone/video/${id}`,
    title: null,
    creator: null,
    description: null,
    status: 'monitoring',
    is_deleted: 0,
    error_reason: null,
    duration_days: 1,
    interval_seconds: 3_600,
    total_slots: 24,
    cost_per_snapshot_micro_usd: cost,
    reserved_micro_usd: RESERVED,
    next_slot: 1,
    next_due_at: 3_600_000,
    attempts: 0,
    snapshots_collected: 1,
    snapshots_missed: 0,
    charged_micro_usd: 0,
    created_at: 0,
    last_updated_at: 0,
    ended_at: null,
    metadata: '{}',
    tags: '[]',
  });

  it('takes each video’s snapshot charge out of its reservation into its charged total, and nothing in test mode', async () => {
    const cases = (['live', 'test'] as const).flatMap((mode) =>
      [0, 1, PRICE, 2_000_000].map((cost) => video(`vid_${mode}_${cost}`, mode, cost)),
    );
    await writeTransaction(store, (tx) => insertVideos(tx, cases));
    await writeTransaction(store, (tx) =>
      advanceVideosOneSlot(
        tx,
        cases.map(({ id }) => id),
        5_000,
      ),
    );
    for (const { id, mode, cost_per_snapshot_micro_usd: cost } of cases) {
      const advanced = (await findVideo(store, id))!;
      expect({
        id,
        taken: RESERVED - Number(advanced.reserved_micro_usd),
        charged: Number(advanced.charged_micro_usd),
      }).toEqual({
        id,
        taken: snapshotChargeMicroUsd(mode, cost),
        charged: snapshotChargeMicroUsd(mode, cost),
      });
    }
  });
});
