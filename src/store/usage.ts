// GET /usage's numbers: the account's money and its per-mode running totals (account_usage), which every
// change to a video's status or collected snapshots adjusts in the same transaction.
import type { ExpressionBuilder } from 'kysely';
import { watchCommittedData } from './committed-data.ts';
import type { SqliteStatements, Store } from './database.ts';
import { preparedQuery, preparedReadValuesNow } from './prepared.ts';
import type { Database, Mode } from './schema.ts';
import type { Executor, Tx } from './transaction.ts';

/** Kept and shared between requests on SQLite (see accountUsage): never changed once made. */
export interface AccountUsage {
  readonly balanceMicroUsd: number;
  readonly reservedMicroUsd: number;
  readonly activeVideos: number;
  readonly snapshotsCollected: number;
  /** Σ charges of the mode's collected snapshots (0 in test mode, which never charges). */
  readonly chargedMicroUsd: number;
}

// Two primary-key lookups, however many videos the account has tracked.
const usageQuery = preparedReadValuesNow((ex, mode: Mode, accountId: string) =>
  ex.db
    .selectFrom('accounts as a')
    .leftJoin('account_usage as u', (join) => join.onRef('u.account_id', '=', 'a.id').on('u.mode', '=', mode))
    .where('a.id', '=', accountId)
    .select([
      'a.balance_micro_usd',
      'a.reserved_micro_usd',
      'u.active_videos',
      'u.snapshots_collected',
      'u.charged_micro_usd',
    ]),
);

/**
 * Answers at once on SQLite (GET /usage is the most frequent read), with a promise on PostgreSQL. On SQLite, outside
 * transactions, an account's numbers are kept while the database's committed data stays as it was when they were
 * read (committed-data.ts): any commit, of this process or another, drops them all.
 */
export function accountUsage(
  ex: Executor,
  accountId: string,
  mode: Mode,
): AccountUsage | undefined | Promise<AccountUsage | undefined> {
  const reader = ex.sqliteTransaction ? undefined : (ex as Partial<Store>).readCommitted;
  if (reader) return keptUsage(ex, reader, accountId, mode);
  const values = usageQuery(ex, mode, accountId);
  return values instanceof Promise ? values.then(toUsage) : toUsage(values);
}

/** Accounts kept per mode; past this many, they are all dropped (the next requests read them again). */
const KEPT_ACCOUNTS = 10_000;

interface KeptUsage {
  changed: () => boolean;
  byMode: Record<Mode, Map<string, AccountUsage>>;
}

const keptByReader = new WeakMap<SqliteStatements, KeptUsage>();

function keptUsage(
  ex: Executor,
  reader: SqliteStatements,
  accountId: string,
  mode: Mode,
): AccountUsage | undefined {
  let kept = keptByReader.get(reader);
  if (!kept) {
    kept = { changed: watchCommittedData(reader), byMode: { live: new Map(), test: new Map() } };
    keptByReader.set(reader, kept);
  }
  if (kept.changed()) {
    kept.byMode.live.clear();
    kept.byMode.test.clear();
  }
  const accounts = kept.byMode[mode];
  let usage = accounts.get(accountId);
  if (usage === undefined) {
    usage = toUsage(usageQuery(ex, mode, accountId) as unknown[] | undefined);
    if (usage) {
      if (accounts.size >= KEPT_ACCOUNTS) accounts.clear();
      accounts.set(accountId, usage);
    }
  }
  return usage;
}

/** The values in the order the query selects them. */
function toUsage(values: unknown[] | undefined): AccountUsage | undefined {
  if (!values) return undefined;
  const [balance, reserved, active, collected, charged] = values;
  return {
    balanceMicroUsd: Number(balance),
    reservedMicroUsd: Number(reserved),
    activeVideos: Number(active ?? 0),
    snapshotsCollected: Number(collected ?? 0),
    chargedMicroUsd: Number(charged ?? 0),
  };
}

export interface UsageChange {
  activeVideos?: number;
  snapshotsCollected?: number;
  chargedMicroUsd?: number;
}

const atLeastZero = (eb: ExpressionBuilder<Database, 'account_usage'>, value: number) =>
  eb.case().when(eb.val(value), '>', 0).then(eb.val(value)).else(0).end();

// An upsert whose inserted row never goes below zero (CHECKs are tested on the row to insert even when it
// conflicts); the deltas themselves are applied by the update.
const addUsageQuery = preparedQuery(
  (tx, accountId: string, mode: Mode, active: number, collected: number, charged: number) =>
    tx.db
      .insertInto('account_usage')
      .values((eb) => ({
        account_id: accountId,
        mode,
        active_videos: atLeastZero(eb, active),
        snapshots_collected: atLeastZero(eb, collected),
        charged_micro_usd: atLeastZero(eb, charged),
      }))
      .onConflict((oc) =>
        oc.columns(['account_id', 'mode']).doUpdateSet((eb) => ({
          active_videos: eb('account_usage.active_videos', '+', active),
          snapshots_collected: eb('account_usage.snapshots_collected', '+', collected),
          charged_micro_usd: eb('account_usage.charged_micro_usd', '+', charged),
        })),
      ),
);

/** Adjusts an account's running totals in the caller's transaction (the row is created on first use). */
export async function addUsage(tx: Tx, accountId: string, mode: Mode, change: UsageChange): Promise<void> {
  await addUsages(tx, [{ accountId, mode, ...change }]);
}

export interface AccountUsageChange extends UsageChange {
  accountId: string;
  mode: Mode;
}

/**
 * Adjusts the running totals of a batch's accounts: the changes to one account and mode are summed into one
 * update, and the updates run in key order, like the ledger's account updates, so concurrent batches never
 * wait on each other in a cycle.
 */
export async function addUsages(tx: Tx, changes: readonly AccountUsageChange[]): Promise<void> {
  const sums = new Map<string, Required<AccountUsageChange>>();
  for (const change of changes) {
    const key = `${change.accountId}\u0000${change.mode}`;
    const sum = sums.get(key) ?? {
      accountId: change.accountId,
      mode: change.mode,
      activeVideos: 0,
      snapshotsCollected: 0,
      chargedMicroUsd: 0,
    };
    sum.activeVideos += change.activeVideos ?? 0;
    sum.snapshotsCollected += change.snapshotsCollected ?? 0;
    sum.chargedMicroUsd += change.chargedMicroUsd ?? 0;
    sums.set(key, sum);
  }
  for (const key of [...sums.keys()].sort()) {
    const sum = sums.get(key)!;
    await addUsageQuery(
      tx,
      sum.accountId,
      sum.mode,
      sum.activeVideos,
      sum.snapshotsCollected,
      sum.chargedMicroUsd,
    );
  }
}
