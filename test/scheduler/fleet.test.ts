// Scale mode's workers (engines that lease, as `contentstats worker` runs them) sharing one database: a burst of
// due videos is shared by the fleet instead of leased whole by the first worker to look; the batches a worker
// collects while it records are recorded together, so its recordings of one account do not queue for the
// account's rows one page at a time; and a page waiting to be recorded does not hold its platform's slot
// (docs/scaling.md, "The fleet").
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import type { Collector } from '../../src/platforms/types.ts';
import { createEngine } from '../../src/scheduler/engine.ts';
import { lockAccount } from '../../src/store/accounts.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { silentLog } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { seedDueLiveVideos } from '../support/seed-due-videos.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

const VIDEOS = 40;

describe.each(DIALECTS)('a fleet of workers (%s)', (dialect) => {
  let store: TestStore;
  let clock: TestClock;
  let accountId: string;

  beforeEach(async () => {
    store = await createTestStore(dialect);
    clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
    ({ accountId } = await seedDueLiveVideos(store, {
      videos: VIDEOS,
      dueAt: clock.now(),
      intervalSeconds: 3600,
      durationDays: 1,
      costMicroUsd: 15_000,
      platformVideoId: (i) => `73${String(i).padStart(17, '0')}`,
    }));
  });
  afterEach(() => store.destroy());

  /** One TikTok page per batch, answered by the simulator once `open` is called. */
  function gatedCollector() {
    const simulator = createSimulatorCollector('tiktok', clock);
    let open!: () => void;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    let calls = 0;
    const collector: Collector = {
      platform: 'tiktok',
      batchSize: 1,
      async collect(refs) {
        calls++;
        await opened;
        return simulator.collect(refs);
      },
    };
    return { collector, open, calls: () => calls };
  }

  const engineFor = (collector: Collector, concurrency: number, perPlatformConcurrency = concurrency) =>
    createEngine({
      store,
      clock,
      collectorFor: () => collector,
      log: silentLog,
      concurrency,
      perPlatformConcurrency,
    });

  const leasedCount = async () => {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from videos where next_due_at > ${clock.now()}`.execute(store.db);
    return Number(rows[0]!.n);
  };

  it('shares a burst of due videos: a worker leases what its pools can start soon, not the whole burst', async () => {
    const gate = gatedCollector();
    const first = engineFor(gate.collector, 2);
    const firstPass = first.runDue();
    // Two pages in flight and four rounds of two waiting behind them: 10 of the 40 leased, 30 left to others.
    await expect.poll(gate.calls).toBe(2);
    await expect.poll(leasedCount).toBe(10);
    const second = engineFor(gate.collector, 2);
    const secondPass = second.runDue();
    await expect.poll(gate.calls).toBe(4);
    await expect.poll(leasedCount).toBe(20);

    gate.open();
    const [a, b] = await Promise.all([firstPass, secondPass]);
    expect(a.fates.stored + b.fates.stored).toBe(VIDEOS);
    expect(a.fates.stored).toBeGreaterThanOrEqual(10);
    expect(b.fates.stored).toBeGreaterThanOrEqual(10);
    await expectInvariants(store, accountId);
  });

  it('records the pages collected while a recording runs together, each with its own fate', async () => {
    const gate = gatedCollector();
    const engine = engineFor(gate.collector, 8);
    const pass = engine.runDue();
    await expect.poll(gate.calls).toBe(8);
    gate.open();
    const summary = await pass;
    expect(summary.fates.stored).toBe(VIDEOS);
    expect(summary.latenessMs).toHaveLength(VIDEOS);
    await expectInvariants(store, accountId);
    const { rows } = await sql<{ slot: number; n: number }>`
      select slot, count(*) as n from snapshots group by slot order by slot`.execute(store.db);
    expect(rows.map((r) => [Number(r.slot), Number(r.n)])).toEqual([
      [0, VIDEOS],
      [1, VIDEOS],
    ]);
    if (dialect === 'postgres') {
      // Each transaction stamps the rows it writes with its id (xmin): 40 pages, at most half as many
      // transactions (about 10: a page alone, then the seven collected meanwhile, and so on).
      const { rows: transactions } = await sql<{ n: number }>`
        select count(distinct xmin::text) as n from snapshots where slot = 1`.execute(store.db);
      expect(Number(transactions[0]!.n)).toBeLessThanOrEqual(VIDEOS / 2);
    }
  });

  it('frees the platform slot of a page once it is collected, while the page waits to be recorded', async () => {
    const gate = gatedCollector();
    // One page at a time from the platform, four batches in the process (collecting or recording).
    const engine = engineFor(gate.collector, 4, 1);
    const pass = engine.runDue();
    await expect.poll(gate.calls).toBe(1);
    // Another transaction holds the account (PostgreSQL: its row; SQLite: the write lock), so recording waits.
    let holding!: () => void;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const blocker = writeTransaction(store, async (tx) => {
      await lockAccount(tx, accountId);
      holding();
      await released;
    });
    await held;
    gate.open();
    // The platform's one slot is free again as soon as each page is collected: four pages (the process's
    // limit) are collected while none can be recorded.
    await expect.poll(gate.calls).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gate.calls()).toBe(4);
    release();
    await blocker;
    const summary = await pass;
    expect(summary.fates.stored).toBe(VIDEOS);
    await expectInvariants(store, accountId);
  });
});
