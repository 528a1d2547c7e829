import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, type TestStore } from '../../test/support/stores.ts';
import { findAccountByEmail } from '../store/accounts.ts';
import { listApiKeys } from '../store/api-keys.ts';
import { changeAccountSettings, createAccount, createApiKey, listKeys, revokeKey } from './accounts.ts';

let emails = 0;

describe.each(DIALECTS)('account operations (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.destroy());

  async function account(): Promise<string> {
    const created = await createAccount(store, { email: `ops${++emails}@example.com`, now: 1_000 });
    if (!created.ok) throw new Error(created.error.kind);
    return created.value.account.id;
  }

  it('an unknown plan is refused, naming it, and no account is stored', async () => {
    const created = await createAccount(store, { email: 'gold@example.com', plan: 'gold', now: 1_000 });
    expect(created).toEqual({ ok: false, error: { kind: 'invalid_plan', plan: 'gold' } });
    expect(await findAccountByEmail(store, 'gold@example.com')).toBeUndefined();
    const changed = await changeAccountSettings(store, await account(), { plan: 'gold' });
    expect(changed).toEqual({ ok: false, error: { kind: 'invalid_plan', plan: 'gold' } });
  });

  it('a test key can create only test keys; the operator and live keys can create either', async () => {
    const accountId = await account();
    const asked = (callerMode: 'live' | 'test' | undefined, mode: 'live' | 'test') =>
      createApiKey(store, { accountId, mode, ...(callerMode ? { callerMode } : {}), now: 2_000 });
    expect(await asked('test', 'live')).toEqual({ ok: false, error: { kind: 'live_key_from_test_key' } });
    expect((await asked('test', 'test')).ok).toBe(true);
    expect((await asked('live', 'live')).ok).toBe(true);
    expect((await asked(undefined, 'live')).ok).toBe(true);
    // The refused one was not stored: the account's two first keys and the three above.
    expect(await listApiKeys(store, accountId)).toHaveLength(5);
  });

  it('a test key neither sees nor revokes live keys; a revoked key cannot be revoked again', async () => {
    const accountId = await account();
    const keys = await listApiKeys(store, accountId);
    const live = keys.find((k) => k.mode === 'live')!;
    const test = keys.find((k) => k.mode === 'test')!;
    expect((await listKeys(store, accountId, 'test')).map((k) => k.id)).toEqual([test.id]);
    const revoke = (keyId: string, callerMode?: 'test') =>
      revokeKey(store, { accountId, keyId, ...(callerMode ? { callerMode } : {}), now: 3_000 });
    expect(await revoke(live.id, 'test')).toEqual({ ok: false, error: { kind: 'key_not_found' } });
    expect((await listApiKeys(store, accountId)).every((k) => k.revoked_at === null)).toBe(true);
    expect(await revoke(test.id, 'test')).toEqual({ ok: true, value: undefined });
    expect(await revoke(test.id)).toEqual({ ok: false, error: { kind: 'key_not_found' } });
    expect((await revoke(live.id)).ok).toBe(true);
  });
});
