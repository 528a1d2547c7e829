// Revoking a key or disabling an account holds from the next request in every process on the database: the
// CLI and other API processes write the database, and each service's key cache must not outlive that.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeAccountSettings, revokeKey } from '../../src/accounts/accounts.ts';
import type { ServiceParts } from '../../src/compose.ts';
import { createTestApi, readyService, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

const trackBody = { video_link: 'https://www.tiktok.com/@u/video/7301234567890123456', duration_days: 1 };

describe.each(DIALECTS)('revocation and disabling reach every process at once (%s)', (dialect) => {
  let api: TestApi;
  /** A second API process on the same database. */
  let other: ServiceParts;

  beforeAll(async () => {
    api = await createTestApi(dialect);
    other = await readyService({
      store: api.store,
      config: api.config,
      clock: api.clock,
      liveCollectors: {},
    });
  });
  afterAll(async () => {
    await other.app.close();
    await api.close();
  });

  const usage = (key: string) => api.call('GET', '/api/v1/usage', { key });
  const keyIdOf = async (key: string) =>
    (await api.call('GET', '/api/v1/keys', { key }))
      .json()
      .keys.find((k: { prefix: string }) => key.startsWith(k.prefix)).id as string;

  it('a key revoked through another API process is refused on the next request', async () => {
    const account = await api.createAccount();
    const keyId = await keyIdOf(account.testKey);
    expect((await usage(account.testKey)).statusCode).toBe(200);
    const revoked = await other.app.inject({
      method: 'DELETE',
      url: `/api/v1/keys/${keyId}`,
      headers: { 'x-api-key': account.testKey },
    });
    expect(revoked.json()).toEqual({ id: keyId, revoked: true });
    const next = await usage(account.testKey);
    expect([next.statusCode, next.json()]).toEqual([401, { error: 'Invalid API key' }]);
    expect((await usage(account.liveKey)).statusCode).toBe(200);
  });

  it('a key revoked in the database by another process (the CLI) is refused on the next request', async () => {
    const account = await api.createAccount();
    const keyId = await keyIdOf(account.liveKey);
    expect((await usage(account.liveKey)).statusCode).toBe(200);
    expect((await revokeKey(api.store, { accountId: account.id, keyId, now: api.clock.now() })).ok).toBe(
      true,
    );
    expect((await usage(account.liveKey)).statusCode).toBe(401);
  });

  it('an account disabled by another process can neither create a key nor track on the next request', async () => {
    const account = await api.createAccount({ creditUsd: 5 });
    expect((await usage(account.liveKey)).statusCode).toBe(200);
    expect((await usage(account.testKey)).statusCode).toBe(200);
    expect((await changeAccountSettings(api.store, account.id, { disabled: 1 })).ok).toBe(true);
    const disabled = { error: 'Access denied', message: 'This account is disabled' };
    const key = await api.call('POST', '/api/v1/keys', { key: account.liveKey, body: { name: 'late' } });
    expect([key.statusCode, key.json()]).toEqual([403, disabled]);
    const track = await api.call('POST', '/api/v1/videos/track', { key: account.testKey, body: trackBody });
    expect([track.statusCode, track.json()]).toEqual([403, disabled]);
    expect(
      await api.store.db.selectFrom('videos').select('id').where('account_id', '=', account.id).execute(),
    ).toEqual([]);
    expect((await changeAccountSettings(api.store, account.id, { disabled: 0 })).ok).toBe(true);
    expect((await usage(account.liveKey)).statusCode).toBe(200);
  });
});
