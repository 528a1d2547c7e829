// Operator-level account operations: create an account with its first keys, manage keys, change settings.

import { isPlanName, type PlanName } from '../billing/plans.ts';
import { newId } from '../ids.ts';
import {
  type AccountSettings,
  findAccount,
  findAccountByEmail,
  insertAccount,
  updateAccountSettings,
} from '../store/accounts.ts';
import { insertApiKey, listApiKeys, revokeApiKey } from '../store/api-keys.ts';
import { postLedgerEntry } from '../store/ledger.ts';
import type { Account, ApiKeyRow, Mode } from '../store/schema.ts';
import { type Executor, type Tx, writeTransaction } from '../store/transaction.ts';
import { generateApiKey } from './api-keys.ts';

export type AccountError =
  | { kind: 'email_taken' }
  | { kind: 'account_not_found' }
  | { kind: 'invalid_plan'; plan: string };

export interface NewKey {
  id: string;
  key: string;
  mode: Mode;
  prefix: string;
  name: string | null;
  createdAt: number;
}

export interface CreatedAccount {
  account: Account;
  liveKey: NewKey;
  testKey: NewKey;
}

export async function createAccount(
  store: Executor,
  input: { email: string; plan?: PlanName; creditMicroUsd?: number; now: number },
): Promise<{ ok: true; value: CreatedAccount } | { ok: false; error: AccountError }> {
  const email = input.email.trim().toLowerCase();
  return writeTransaction(store, async (tx) => {
    if (await findAccountByEmail(tx, email)) return { ok: false, error: { kind: 'email_taken' } } as const;
    const account: Account = {
      id: newId('acc'),
      email,
      plan: input.plan ?? 'free',
      rate_limit_per_minute: null,
      max_active_videos: null,
      disabled: 0,
      balance_micro_usd: 0,
      reserved_micro_usd: 0,
      created_at: input.now,
    };
    await insertAccount(tx, account);
    const liveKey = await addKey(tx, account.id, 'live', 'default', input.now);
    const testKey = await addKey(tx, account.id, 'test', 'default', input.now);
    if (input.creditMicroUsd && input.creditMicroUsd > 0) {
      await postLedgerEntry(tx, {
        accountId: account.id,
        kind: 'credit',
        balanceDeltaMicroUsd: input.creditMicroUsd,
        reservedDeltaMicroUsd: 0,
        note: 'initial credit',
        at: input.now,
      });
    }
    const stored = await findAccount(tx, account.id);
    return { ok: true, value: { account: stored!, liveKey, testKey } } as const;
  });
}

async function addKey(
  tx: Tx,
  accountId: string,
  mode: Mode,
  name: string | null,
  now: number,
): Promise<NewKey> {
  const generated = generateApiKey(mode);
  const id = newId('key');
  await insertApiKey(tx, {
    id,
    account_id: accountId,
    mode,
    prefix: generated.prefix,
    key_hash: generated.hash,
    name,
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  });
  return { id, key: generated.key, mode, prefix: generated.prefix, name, createdAt: now };
}

export async function createApiKey(
  store: Executor,
  input: { accountId: string; mode: Mode; name?: string | null; now: number },
): Promise<{ ok: true; value: NewKey } | { ok: false; error: AccountError }> {
  return writeTransaction(store, async (tx) => {
    if (!(await findAccount(tx, input.accountId)))
      return { ok: false, error: { kind: 'account_not_found' } } as const;
    return {
      ok: true,
      value: await addKey(tx, input.accountId, input.mode, input.name ?? null, input.now),
    } as const;
  });
}

export const listKeys = (store: Executor, accountId: string): Promise<ApiKeyRow[]> =>
  listApiKeys(store, accountId);

export const revokeKey = (store: Executor, accountId: string, keyId: string, now: number): Promise<boolean> =>
  writeTransaction(store, (tx) => revokeApiKey(tx, accountId, keyId, now));

export async function changeAccountSettings(
  store: Executor,
  accountId: string,
  settings: AccountSettings,
): Promise<{ ok: true; value: Account } | { ok: false; error: AccountError }> {
  if (settings.plan !== undefined && !isPlanName(settings.plan)) {
    return { ok: false, error: { kind: 'invalid_plan', plan: settings.plan } };
  }
  return writeTransaction(store, async (tx) => {
    if (!(await findAccount(tx, accountId)))
      return { ok: false, error: { kind: 'account_not_found' } } as const;
    await updateAccountSettings(tx, accountId, settings);
    return { ok: true, value: (await findAccount(tx, accountId))! } as const;
  });
}
