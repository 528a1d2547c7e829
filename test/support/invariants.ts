// Invariants 1, 2, 3 and 7 of docs/architecture.md (money, one snapshot per slot, nothing invented, running
// totals), checked from the database alone.
import { expect } from 'vitest';
import { ledgerTotals } from '../../src/store/ledger.ts';
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

  // 2. at most one snapshot per slot (UNIQUE) and a charge iff a collected live snapshot.
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
    .select(['snapshot_id', 'balance_delta_micro_usd'])
    .execute();
  expect(charges.length).toBe(collectedLive.length);
  const costBySnapshot = new Map(collectedLive.map((s) => [s.id, Number(s.cost)]));
  for (const charge of charges) {
    expect(costBySnapshot.has(charge.snapshot_id!)).toBe(true);
    expect(-Number(charge.balance_delta_micro_usd)).toBe(costBySnapshot.get(charge.snapshot_id!));
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
  // Counters on each video agree with its rows.
  for (const video of videos) {
    const rows = await store.db
      .selectFrom('snapshots')
      .select(['missed'])
      .where('video_id', '=', video.id)
      .execute();
    expect(rows.filter((r) => !r.missed).length).toBe(video.snapshots_collected);
    expect(rows.filter((r) => r.missed).length).toBe(video.snapshots_missed);
  }
}
