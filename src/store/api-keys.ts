import { raiseAuthVersion } from './auth-version.ts';
import type { Account, ApiKeyRow, ApiKeysTable } from './schema.ts';
import type { Executor } from './transaction.ts';

export async function insertApiKey(ex: Executor, key: ApiKeysTable): Promise<void> {
  await ex.db.insertInto('api_keys').values(key).execute();
}

export interface KeyWithAccount {
  key: ApiKeyRow;
  account: Account;
}

/** The live (not revoked) key with this hash, and its account. */
export async function findActiveKeyByHash(
  ex: Executor,
  keyHash: string,
): Promise<KeyWithAccount | undefined> {
  const row = await ex.db
    .selectFrom('api_keys')
    .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
    .where('api_keys.key_hash', '=', keyHash)
    .where('api_keys.revoked_at', 'is', null)
    .select([
      'api_keys.id as key_id',
      'api_keys.account_id as key_account_id',
      'api_keys.mode as key_mode',
      'api_keys.prefix as key_prefix',
      'api_keys.key_hash as key_key_hash',
      'api_keys.name as key_name',
      'api_keys.created_at as key_created_at',
      'api_keys.last_used_at as key_last_used_at',
      'api_keys.revoked_at as key_revoked_at',
    ])
    .selectAll('accounts')
    .executeTakeFirst();
  if (!row) return undefined;
  const {
    key_id,
    key_account_id,
    key_mode,
    key_prefix,
    key_key_hash,
    key_name,
    key_created_at,
    key_last_used_at,
    key_revoked_at,
    ...account
  } = row;
  return {
    key: {
      id: key_id,
      account_id: key_account_id,
      mode: key_mode,
      prefix: key_prefix,
      key_hash: key_key_hash,
      name: key_name,
      created_at: key_created_at,
      last_used_at: key_last_used_at,
      revoked_at: key_revoked_at,
    },
    account,
  };
}

export async function listApiKeys(ex: Executor, accountId: string): Promise<ApiKeyRow[]> {
  return ex.db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/**
 * Revokes the key if it belongs to the account and is not revoked yet; true when it did. Run it in a write
 * transaction: it also tells every API process to drop its cached keys.
 */
export async function revokeApiKey(
  ex: Executor,
  accountId: string,
  keyId: string,
  at: number,
): Promise<boolean> {
  const result = await ex.db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('id', '=', keyId)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const revoked = Number(result.numUpdatedRows) === 1;
  if (revoked) await raiseAuthVersion(ex);
  return revoked;
}

export async function touchApiKey(ex: Executor, keyId: string, at: number): Promise<void> {
  await ex.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', keyId).execute();
}
