// COST_PER_SNAPSHOT_USD is fixed per tracking when it starts: after the operator changes the price (a restart
// with a new setting), running trackings keep theirs and new ones reserve at the new one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import type { ServiceParts } from '../../src/compose.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import { createTestApi, readyService, type TestApi } from '../support/api.ts';
import { createTestEngine } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const START = Date.parse('2024-01-29T10:00:00.000Z');

describe.each(DIALECTS)('a price change (%s)', (dialect) => {
  let api: TestApi;
  let repriced: ServiceParts;
  beforeAll(async () => {
    const clock = new TestClock(START);
    const liveCollectors = { tiktok: createSimulatorCollector('tiktok', clock) };
    api = await createTestApi(dialect, {
      clock,
      liveCollectors,
      config: { costPerSnapshotMicroUsd: 15_000 },
    });
    // The same database served after a restart at $0.03 a snapshot.
    repriced = await readyService({
      store: api.store,
      config: { ...api.config, costPerSnapshotMicroUsd: 30_000 },
      clock,
      liveCollectors,
    });
  });
  afterAll(async () => {
    await repriced.app.close();
    await api.close();
  });

  it('leaves running trackings at their price and reserves new ones at the new one', async () => {
    const account = await api.createAccount({ creditUsd: 10 });
    const track = (app: ServiceParts['app'], videoId: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/videos/track',
        headers: { 'x-api-key': account.liveKey },
        payload: { video_link: `https://www.tiktok.com/@u/video/${videoId}`, duration_days: 1 },
      });
    const before = (await track(api.app, '7301234567890123456')).json();
    expect(before.estimated_cost).toBe(0.36);
    const after = (await track(repriced.app, '7301234567890123457')).json();
    expect(after.estimated_cost).toBe(0.72);

    api.clock.set(START + HOUR);
    await createTestEngine(api).runDue();
    // What each snapshot carries (the invariants hold the ledger's batch entries equal to their sums).
    const charges = await api.store.db
      .selectFrom('snapshots as s')
      .innerJoin('videos as v', 'v.video_key', 's.video_key')
      .select(['v.id as video_id', 's.charged_micro_usd'])
      .where('v.account_id', '=', account.id)
      .orderBy('s.slot')
      .execute();
    const charged = (videoId: string) =>
      charges.filter((c) => c.video_id === videoId).map((c) => Number(c.charged_micro_usd));
    expect(charged(before.id)).toEqual([15_000, 15_000]);
    expect(charged(after.id)).toEqual([30_000, 30_000]);
    await expectInvariants(api.store, account.id);
  });
});
