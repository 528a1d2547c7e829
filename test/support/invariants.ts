// Invariants 1, 2, 3 and 7 of docs/architecture.md (money, one snapshot per slot, nothing invented, running
// totals), checked from the database alone. A video whose snapshots were pruned (`contentstats prune`) keeps
// its counters and charges: it holds fewer rows than it counts, which only an ended video may.
import { expect } from 'vitest';
import { ledgerTotals } from '../../src/store/ledger.ts';
import { ENDED_STATUSES, type VideoStatus } from '../../src/store/schema.ts';
import type { Executor } from '../../src/store/transaction.ts';

export async function expectInvariants(store: Executor, accountId: string): Promise<void> {
  const account = await store.db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  const ledger = await ledgerTotals(store, accountId);
  // 1. balance = Σ ledger ≥ 0; reserved ≤ balance; both derivable from the ledger alone.
  expect(account.balance_micro_usd).toBe(ledger.balanceMicroUsd);
  expect(account.reserved_micro_usd).toBe(ledger.reservedMicroUsd);
  expect(account.balance_micro_usd).toBeGreaterThanOrEqual(0);
  expect(account.reserved_micro_usd).toBeGreaterThanOrEqual(0);
  expect(account.reserved_micro_usd).toBeLessThanOrEqual(account.balance_micro_usd);

  const videos = await store.db
    .selectFrom('videos')
    .selectAll()
    .where('account_id', '=', accountId)
    .execute();
  const reservedByVideos = videos
    .filter((v) => v.mode === 'live')
    .reduce((sum, v) => sum + Number(v.reserved_micro_usd), 0);
  expect(account.reserved_micro_usd).toBe(reservedByVideos);

  // Rows each video holds: as many as its counters say, or (pruned) fewer, and then it has ended.
  const heldRows = await store.db
    .selectFrom('snapshots')
    .innerJoin('videos', 'videos.id', 'snapshots.video_id')
    .where('videos.account_id', '=', accountId)
    .select((eb) => [
      'snapshots.video_id',
      eb.fn.countAll<number>().as('rows'),
      eb.fn.sum<number>('snapshots.missed').as('missed'),
    ])
    .groupBy('snapshots.video_id')
    .execute();
  const held = new Map(
    heldRows.map((r) => [
      r.video_id,
      { collected: Number(r.rows) - Number(r.missed), missed: Number(r.missed) },
    ]),
  );
  const pruned = new Map<string, { collectedGone: number; cost: number }>();
  for (const video of videos) {
    const rows = held.get(video.id) ?? { collected: 0, missed: 0 };
    if (rows.collected === video.snapshots_collected && rows.missed === video.snapshots_missed) continue;
    expect(ENDED_STATUSES as readonly VideoStatus[]).toContain(video.status);
    expect(rows.collected).toBeLessThanOrEqual(video.snapshots_collected);
    expect(rows.missed).toBeLessThanOrEqual(video.snapshots_missed);
    pruned.set(video.id, {
      collectedGone: video.mode === 'live' ? video.snapshots_collected - rows.collected : 0,
      cost: Number(video.cost_per_snapshot_micro_usd),
    });
  }

  // 2. at most one snapshot per slot (UNIQUE) and a charge iff a collected live snapshot (still held, or pruned).
  const collectedLive = await store.db
    .selectFrom('snapshots')
    .innerJoin('videos', 'videos.id', 'snapshots.video_id')
    .where('videos.account_id', '=', accountId)
    .where('videos.mode', '=', 'live')
    .where('snapshots.missed', '=', 0)
    .select(['snapshots.id', 'videos.cost_per_snapshot_micro_usd as cost'])
    .execute();
  const charges = await store.db
    .selectFrom('ledger_entries')
    .where('account_id', '=', accountId)
    .where('kind', '=', 'charge')
    .select(['snapshot_id', 'video_id', 'balance_delta_micro_usd'])
    .execute();
  const prunedCharges = [...pruned.values()].reduce((sum, p) => sum + p.collectedGone, 0);
  expect(charges.length).toBe(collectedLive.length + prunedCharges);
  const costBySnapshot = new Map(collectedLive.map((s) => [s.id, Number(s.cost)]));
  for (const charge of charges) {
    const cost = costBySnapshot.get(charge.snapshot_id!) ?? pruned.get(charge.video_id!)?.cost;
    expect(cost).toBeDefined();
    expect(-Number(charge.balance_delta_micro_usd)).toBe(cost);
  }
  // 3. a missed slot never carries numbers.
  const missedWithNumbers = await store.db
    .selectFrom('snapshots')
    .innerJoin('videos', 'videos.id', 'snapshots.video_id')
    .where('videos.account_id', '=', accountId)
    .where('snapshots.missed', '=', 1)
    .where((eb) =>
      eb.or([eb('views', 'is not', null), eb('likes', 'is not', null), eb('comments', 'is not', null)]),
    )
    .select('snapshots.id')
    .execute();
  expect(missedWithNumbers).toEqual([]);
  // 7. GET /usage's running totals agree with the videos they summarise, in each mode.
  const usageRows = await store.db
    .selectFrom('account_usage')
    .selectAll()
    .where('account_id', '=', accountId)
    .execute();
  for (const mode of ['live', 'test'] as const) {
    const ofMode = videos.filter((v) => v.mode === mode);
    const row = usageRows.find((r) => r.mode === mode);
    expect({
      active: Number(row?.active_videos ?? 0),
      collected: Number(row?.snapshots_collected ?? 0),
      charged: Number(row?.charged_micro_usd ?? 0),
    }).toEqual({
      active: ofMode.filter((v) => v.status === 'monitoring').length,
      collected: ofMode.reduce((sum, v) => sum + v.snapshots_collected, 0),
      charged: mode === 'live' ? ledger.chargedMicroUsd : 0,
    });
  }
}
