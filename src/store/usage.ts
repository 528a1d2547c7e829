import { preparedRead } from './prepared.ts';
import type { Mode } from './schema.ts';
import type { Executor } from './transaction.ts';

export interface AccountUsage {
  balanceMicroUsd: number;
  reservedMicroUsd: number;
  activeVideos: number;
  snapshotsCollected: number;
  /** Σ collected × cost over the mode's videos (0 in test mode, which never charges). */
  chargedMicroUsd: number;
}

// One indexed query for GET /usage: the account's totals and its videos' counters in one mode.
const usageQuery = preparedRead((ex, accountId: string, mode: Mode) =>
  ex.db
    .selectFrom('accounts as a')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('videos')
          .where('account_id', '=', accountId)
          .where('mode', '=', mode)
          .select((v) => [
            'account_id',
            v.fn.count<number>(v.case().when('status', '=', 'monitoring').then(1).end()).as('active'),
            v.fn.sum<number>('snapshots_collected').as('collected'),
            v.fn
              .sum<number>(v('snapshots_collected', '*', v.ref('cost_per_snapshot_micro_usd')))
              .as('charged'),
          ])
          .groupBy('account_id')
          .as('v'),
      (join) => join.onRef('v.account_id', '=', 'a.id'),
    )
    .where('a.id', '=', accountId)
    .select(['a.balance_micro_usd', 'a.reserved_micro_usd', 'v.active', 'v.collected', 'v.charged']),
);

export async function accountUsage(
  ex: Executor,
  accountId: string,
  mode: Mode,
): Promise<AccountUsage | undefined> {
  const [row] = await usageQuery(ex, accountId, mode);
  if (!row) return undefined;
  return {
    balanceMicroUsd: Number(row.balance_micro_usd),
    reservedMicroUsd: Number(row.reserved_micro_usd),
    activeVideos: Number(row.active ?? 0),
    snapshotsCollected: Number(row.collected ?? 0),
    chargedMicroUsd: mode === 'live' ? Number(row.charged ?? 0) : 0,
  };
}
