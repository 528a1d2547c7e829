import { raiseAuthVersion } from './auth-version.ts';
import { preparedQuery, preparedRead } from './prepared.ts';
import type { Account, AccountsTable } from './schema.ts';
import type { Executor, Tx } from './transaction.ts';

export async function insertAccount(ex: Executor, account: AccountsTable): Promise<void> {
  await ex.db.insertInto('accounts').values(account).execute();
}

const accountById = preparedRead((ex, id: string) =>
  ex.db.selectFrom('accounts').selectAll().where('id', '=', id),
);

export async function findAccount(ex: Executor, id: string): Promise<Account | undefined> {
  return (await accountById(ex, id))[0];
}

export async function findAccountByEmail(ex: Executor, email: string): Promise<Account | undefined> {
  return ex.db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

/**
 * Reads an account inside a write transaction and holds it until commit: PostgreSQL locks the row
 * (FOR UPDATE); SQLite already holds the database's write lock (BEGIN IMMEDIATE). Every check that guards
 * money or limits reads the account through this, so concurrent requests are settled by the database.
 */
export async function lockAccount(tx: Tx, id: string): Promise<Account | undefined> {
  return (await accountByIdForUpdate(tx, id))[0];
}

const accountByIdForUpdate = preparedQuery((tx, id: string) => {
  const query = tx.db.selectFrom('accounts').selectAll().where('id', '=', id);
  return tx.dialect === 'postgres' ? query.forUpdate() : query;
});

export interface AccountSettings {
  plan?: string;
  rate_limit_per_minute?: number | null;
  max_active_videos?: number | null;
  disabled?: number;
}

/** Run it in a write transaction: it also tells every API process to drop its cached keys and accounts. */
export async function updateAccountSettings(
  ex: Executor,
  id: string,
  settings: AccountSettings,
): Promise<void> {
  if (Object.keys(settings).length === 0) return;
  await ex.db.updateTable('accounts').set(settings).where('id', '=', id).execute();
  await raiseAuthVersion(ex);
}

export async function countAccounts(ex: Executor): Promise<number> {
  const row = await ex.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every account, oldest first (the operator's `accounts list`). */
export async function listAccounts(ex: Executor): Promise<Account[]> {
  return ex.db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();
}
