// Account operations shared by the operator API, the CLI and the key routes: create an account with its first
// keys, manage keys, change settings.

import { isPlanName } from '../billing/plans.ts';
import { newId } from '../ids.ts';
import { err, ok, type Result } from '../result.ts';
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
  | { kind: 'invalid_plan'; plan: string }
  /** A test key asked for a live key: a leaked test key must never mint live ones. */
  | { kind: 'live_key_from_test_key' }
  /** No such key on the account (or it is already revoked, or it is live and a test key asked). */
  | { kind: 'key_not_found' };

type ErrorOf<K extends AccountError['kind']> = Extract<AccountError, { kind: K }>;

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
  input: { email: string; plan?: string; creditMicroUsd?: number; now: number },
): Promise<Result<CreatedAccount, ErrorOf<'email_taken' | 'invalid_plan'>>> {
  const email = input.email.trim().toLowerCase();
  const plan = input.plan ?? 'free';
  if (!isPlanName(plan)) return err({ kind: 'invalid_plan', plan });
  return writeTransaction(store, async (tx) => {
    if (await findAccountByEmail(tx, email)) return err({ kind: 'email_taken' });
    const account: Account = {
      id: newId('acc'),
      email,
      plan,
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
    return ok({ account: stored!, liveKey, testKey });
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

/** A test key sees and manages only test keys; the operator (no calling key) and live keys see all. */
const visibleTo = (callerMode: Mode | undefined, key: ApiKeyRow): boolean =>
  callerMode !== 'test' || key.mode === 'test';

/** `callerMode`: the mode of the API key asking, when one asks (the operator's tools pass none). */
export async function createApiKey(
  store: Executor,
  input: { accountId: string; mode: Mode; name?: string | null; callerMode?: Mode; now: number },
): Promise<Result<NewKey, ErrorOf<'account_not_found' | 'live_key_from_test_key'>>> {
  if (input.callerMode === 'test' && input.mode === 'live') return err({ kind: 'live_key_from_test_key' });
  return writeTransaction(store, async (tx) => {
    if (!(await findAccount(tx, input.accountId))) return err({ kind: 'account_not_found' });
    return ok(await addKey(tx, input.accountId, input.mode, input.name ?? null, input.now));
  });
}

export const listKeys = async (store: Executor, accountId: string, callerMode?: Mode): Promise<ApiKeyRow[]> =>
  (await listApiKeys(store, accountId)).filter((key) => visibleTo(callerMode, key));

export const revokeKey = (
  store: Executor,
  input: { accountId: string; keyId: string; callerMode?: Mode; now: number },
): Promise<Result<undefined, ErrorOf<'key_not_found'>>> =>
  writeTransaction(store, async (tx) => {
    const key = (await listApiKeys(tx, input.accountId)).find((k) => k.id === input.keyId);
    if (!key || !visibleTo(input.callerMode, key)) return err({ kind: 'key_not_found' });
    if (!(await revokeApiKey(tx, input.accountId, key.id, input.now))) return err({ kind: 'key_not_found' });
    return ok();
  });

/** Plan, limit overrides and the disabled flag; disabling also cancels trackings (see changeAccount). */
export async function changeAccountSettings(
  store: Executor,
  accountId: string,
  settings: AccountSettings,
): Promise<Result<Account, ErrorOf<'account_not_found' | 'invalid_plan'>>> {
  if (settings.plan !== undefined && !isPlanName(settings.plan)) {
    return err({ kind: 'invalid_plan', plan: settings.plan });
  }
  return writeTransaction(store, async (tx) => {
    if (!(await findAccount(tx, accountId))) return err({ kind: 'account_not_found' });
    await updateAccountSettings(tx, accountId, settings);
    return ok((await findAccount(tx, accountId))!);
  });
}
