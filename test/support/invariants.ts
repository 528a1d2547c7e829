// Invariants 1, 2, 3 and 7 of docs/architecture.md (money, one snapshot per slot, nothing invented, running
// totals) and the audit of every charge back to its snapshots, checked from the database alone. A video whose
// snapshots were pruned (`contentstats prune`) keeps its counters and its charged total: it holds fewer rows
// than it counts, which only an ended video may, and its charges are audited in aggregate (see below). It is
// marked (`snapshots_pruned_at`) by the transaction that deletes its last rows, and only then: a marked video
// has ended and holds no row; an unmarked one holding fewer rows than it counts is one a prune stopped part-way
// (a long video goes oldest slots first, over several transactions), which still holds its newest rows.
// (A video pruned before migration 011 holds none and is not marked: no test database has one.)
import { expect } from 'vitest';
import { CHARGE_KINDS, ledgerTotals } from '../../src/store/ledger.ts';
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

  // 2. at most one snapshot per slot (the primary key) and a charge iff a collected live snapshot: each such
  // snapshot carries its video's price, and nothing else carries a charge.
  const snapshots = await store.db
    .selectFrom('snapshots as s')
    .innerJoin('videos as v', 'v.video_key', 's.video_key')
    .where('v.account_id', '=', accountId)
    .select([
      'v.id as video_id',
      'v.mode',
      'v.cost_per_snapshot_micro_usd as cost',
      's.slot',
      's.source',
      's.charged_micro_usd as charged',
      's.ledger_entry_id as entry',
    ])
    .execute();
  for (const s of snapshots) {
    const collectedLive = s.mode === 'live' && s.source !== null;
    expect({ video: s.video_id, slot: s.slot, charged: Number(s.charged) }).toEqual({
      video: s.video_id,
      slot: s.slot,
      charged: collectedLive ? Number(s.cost) : 0,
    });
    expect(s.entry === null).toBe(Number(s.charged) === 0);
  }
  // Rows each video holds: as many as its counters say, or (pruned) fewer, and then the tracking has ended.
  const heldByVideo = new Map<string, { collected: number; missed: number }>();
  for (const s of snapshots) {
    const held = heldByVideo.get(s.video_id) ?? { collected: 0, missed: 0 };
    if (s.source === null) held.missed++;
    else held.collected++;
    heldByVideo.set(s.video_id, held);
  }
  const ended = expect.toBeOneOf([...ENDED_STATUSES] as VideoStatus[]);
  const pruned = new Set<string>();
  for (const video of videos) {
    const held = heldByVideo.get(video.id) ?? { collected: 0, missed: 0 };
    const marked = video.snapshots_pruned_at !== null;
    if (marked) {
      // Marked pruned: ended before it was pruned, and holds no row.
      expect({ video: video.id, status: video.status, held }).toEqual({
        video: video.id,
        status: ended,
        held: { collected: 0, missed: 0 },
      });
      expect(Number(video.snapshots_pruned_at)).toBeGreaterThan(Number(video.ended_at));
    }
    if (held.collected === video.snapshots_collected && held.missed === video.snapshots_missed) continue;
    // Fewer rows than counted: ended, and either marked or stopped part-way (still holding rows).
    expect({
      video: video.id,
      status: video.status,
      markedOrHolding: marked || held.collected + held.missed > 0,
    }).toEqual({ video: video.id, status: ended, markedOrHolding: true });
    expect(held.collected).toBeLessThanOrEqual(video.snapshots_collected);
    expect(held.missed).toBeLessThanOrEqual(video.snapshots_missed);
    pruned.add(video.id);
  }
  // Each video's charged total is what its collected snapshots cost, pruned or not.
  for (const video of videos) {
    expect({ video: video.id, charged: Number(video.charged_micro_usd) }).toEqual({
      video: video.id,
      charged:
        video.mode === 'live' ? video.snapshots_collected * Number(video.cost_per_snapshot_micro_usd) : 0,
    });
  }
  // The audit: every charge entry of the account is exactly the Σ of the charges of the snapshots that name it
  // (one snapshot for a pre-010 `charge`, the account's snapshots of one recorded batch for a `batch_charge`),
  // every charged snapshot names one of the account's charge entries, and each video's charged total is the Σ
  // of its snapshots' charges. Once snapshots are pruned, an entry may be more than the snapshots still naming
  // it, by exactly what the pruned videos' gone snapshots were charged, in all.
  const entries = await store.db
    .selectFrom('ledger_entries')
    .where('account_id', '=', accountId)
    .where('kind', 'in', CHARGE_KINDS)
    .select(['id', 'kind', 'balance_delta_micro_usd', 'reserved_delta_micro_usd'])
    .execute();
  const chargedByEntry = new Map<number, number>();
  for (const s of snapshots) {
    if (s.entry === null) continue;
    chargedByEntry.set(Number(s.entry), (chargedByEntry.get(Number(s.entry)) ?? 0) + Number(s.charged));
  }
  const chargedByVideo = new Map<string, number>();
  for (const s of snapshots)
    chargedByVideo.set(s.video_id, (chargedByVideo.get(s.video_id) ?? 0) + Number(s.charged));
  for (const e of entries) expect(Number(e.reserved_delta_micro_usd)).toBe(Number(e.balance_delta_micro_usd));
  const entryIds = new Set(entries.map((e) => Number(e.id)));
  for (const id of chargedByEntry.keys()) expect(entryIds).toContain(id);
  if (pruned.size === 0) {
    expect(entries.map((e) => ({ id: Number(e.id), amount: -Number(e.balance_delta_micro_usd) }))).toEqual(
      entries.map((e) => ({ id: Number(e.id), amount: chargedByEntry.get(Number(e.id)) ?? 0 })),
    );
    for (const video of videos) {
      expect({ video: video.id, charged: Number(video.charged_micro_usd) }).toEqual({
        video: video.id,
        charged: chargedByVideo.get(video.id) ?? 0,
      });
    }
  } else {
    for (const e of entries) {
      expect(chargedByEntry.get(Number(e.id)) ?? 0).toBeLessThanOrEqual(-Number(e.balance_delta_micro_usd));
    }
    const unheldByEntries = entries.reduce(
      (sum, e) => sum - Number(e.balance_delta_micro_usd) - (chargedByEntry.get(Number(e.id)) ?? 0),
      0,
    );
    const prunedCharges = videos
      .filter((v) => pruned.has(v.id))
      .reduce((sum, v) => sum + Number(v.charged_micro_usd) - (chargedByVideo.get(v.id) ?? 0), 0);
    expect(unheldByEntries).toBe(prunedCharges);
    for (const video of videos.filter((v) => !pruned.has(v.id))) {
      expect(chargedByVideo.get(video.id) ?? 0).toBe(Number(video.charged_micro_usd));
    }
  }
  // 3. a missed slot never carries numbers.
  const missedWithNumbers = await store.db
    .selectFrom('snapshots')
    .innerJoin('videos', 'videos.video_key', 'snapshots.video_key')
    .where('videos.account_id', '=', accountId)
    .where('snapshots.source', 'is', null)
    .where((eb) =>
      eb.or([
        eb('views', 'is not', null),
        eb('likes', 'is not', null),
        eb('comments', 'is not', null),
        eb('shares', 'is not', null),
        eb('saves', 'is not', null),
      ]),
    )
    .select(['videos.id', 'snapshots.slot'])
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
