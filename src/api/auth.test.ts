// The authenticator reads the auth version once per turn of the event loop: the requests of one turn share the
// read, a change committed by another process is seen from the next turn, and a change made in this process is
// seen by the very next request, even within the turn.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, type TestStore } from '../../test/support/stores.ts';
import { createAccount, revokeKey } from '../accounts/accounts.ts';
import { TestClock } from '../clock.ts';
import { raiseAuthVersion } from '../store/auth-version.ts';
import { type Authenticator, createAuthenticator } from './auth.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** What another process's revocation looks like from here: rows changed, no call into this process's code. */
async function revokeFromAnotherProcess(store: TestStore, keyId: string): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    await tx.updateTable('api_keys').set({ revoked_at: 1 }).where('id', '=', keyId).execute();
    await tx
      .updateTable('auth_version')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', '=', 1)
      .execute();
  });
}

describe.each(DIALECTS)('auth version read once per turn (%s)', (dialect) => {
  let store: TestStore;
  let authenticator: Authenticator;
  let key: string;
  let keyId: string;
  let accountId: string;
  const clock = new TestClock(1_700_000_000_000);

  beforeEach(async () => {
    store = await createTestStore(dialect);
    const created = await createAccount(store, {
      email: 'turns@example.com',
      plan: 'free',
      creditMicroUsd: 0,
      now: clock.now(),
    });
    if (!created.ok) throw new Error('account');
    accountId = created.value.account.id;
    key = created.value.liveKey.key;
    keyId = created.value.liveKey.id;
    authenticator = createAuthenticator(store, clock);
    expect((await authenticator.authenticate(key)).ok).toBe(true);
    await nextTurn();
  });
  afterEach(() => store.destroy());

  it("sees another process's revocation from the next turn", async () => {
    await revokeFromAnotherProcess(store, keyId);
    await nextTurn();
    expect(await authenticator.authenticate(key)).toMatchObject({ ok: false });
  });

  it("sees this process's revocation on the very next request", async () => {
    const revoked = await revokeKey(store, { accountId, keyId, now: clock.now() });
    expect(revoked.ok).toBe(true);
    expect(await authenticator.authenticate(key)).toMatchObject({ ok: false });
  });

  if (dialect === 'sqlite') {
    // On SQLite a cached key is answered at once, so several requests can be answered in one turn.
    it('shares one read among the requests of a turn', async () => {
      let turnEnded = false;
      setImmediate(() => {
        turnEnded = true;
      });
      expect(authenticator.authenticate(key)).toMatchObject({ ok: true });
      // Committed by another process during the turn: the turn's requests were answered under the read made
      // when it began (the window the design accepts), the next turn's are not.
      await revokeFromAnotherProcess(store, keyId);
      expect(authenticator.authenticate(key)).toMatchObject({ ok: true });
      expect(turnEnded).toBe(false);
      await nextTurn();
      expect(await authenticator.authenticate(key)).toMatchObject({ ok: false });
    });

    it('reads afresh within the turn once this process has raised the version', async () => {
      let turnEnded = false;
      setImmediate(() => {
        turnEnded = true;
      });
      expect(authenticator.authenticate(key)).toMatchObject({ ok: true });
      // The raise of a revocation committed in the middle of the turn (here without a transaction, which on
      // SQLite may take more than one turn).
      await store.db.updateTable('api_keys').set({ revoked_at: 1 }).where('id', '=', keyId).execute();
      await raiseAuthVersion(store);
      expect(turnEnded).toBe(false);
      expect(await authenticator.authenticate(key)).toMatchObject({ ok: false });
    });
  }
});
