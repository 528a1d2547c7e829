import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/accounts/api-keys.ts';
import type { ServiceParts } from '../../src/compose.ts';
import { ADMIN_TOKEN, createTestApi, readyService, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

/** A new account allowed five requests a minute, with the clock 10 s into a minute (50 s left). */
async function accountLimitedToFivePerMinute(api: TestApi) {
  const limited = await api.createAccount();
  await api.call('PATCH', `/admin/v1/accounts/${limited.id}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    body: { rate_limit_per_minute: 5 },
  });
  api.clock.set(Math.ceil(api.clock.now() / 60_000) * 60_000 + 10_000);
  return limited;
}

const withLastCharacterChanged = (key: string) => key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

describe.each(DIALECTS)('authentication and rate limits (%s)', (dialect) => {
  let api: TestApi;
  let account: { id: string; liveKey: string; testKey: string };

  beforeAll(async () => {
    api = await createTestApi(dialect);
    account = await api.createAccount({ creditUsd: 1 });
  });
  afterAll(() => api.close());

  const ROUTES: Array<['GET' | 'POST' | 'DELETE', string]> = [
    ['POST', '/api/v1/videos/track'],
    ['GET', '/api/v1/videos'],
    ['GET', '/api/v1/videos/vid_x'],
    ['POST', '/api/v1/videos/vid_x/stop'],
    ['POST', '/api/v1/videos/vid_x/pause'],
    ['POST', '/api/v1/videos/vid_x/resume'],
    ['GET', '/api/v1/videos/vid_x/snapshots'],
    ['GET', '/api/v1/usage'],
    ['GET', '/api/v1/keys'],
    ['POST', '/api/v1/keys'],
    ['DELETE', '/api/v1/keys/key_x'],
  ];

  it.each(ROUTES)('%s %s without a key → 401 API key required', async (method, url) => {
    const response = await api.call(method, url, method === 'POST' ? { body: {} } : {});
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'API key required' });
    expect(response.headers['x-request-id']).toMatch(/^req_/);
  });

  it.each([
    ['garbage', 'hello'],
    ['a bad checksum', withLastCharacterChanged(generateApiKey('live').key)],
    ['a well-formed unknown key', generateApiKey('live').key],
  ])('%s → 401 Invalid API key', async (_name, key) => {
    const response = await api.call('GET', '/api/v1/usage', { key });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'Invalid API key' });
  });

  it('a revoked key is refused at once', async () => {
    const created = (
      await api.call('POST', '/api/v1/keys', { key: account.liveKey, body: { name: 'ci' } })
    ).json();
    expect((await api.call('GET', '/api/v1/usage', { key: created.api_key })).statusCode).toBe(200);
    expect((await api.call('DELETE', `/api/v1/keys/${created.id}`, { key: account.liveKey })).json()).toEqual(
      { id: created.id, revoked: true },
    );
    const response = await api.call('GET', '/api/v1/usage', { key: created.api_key });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'Invalid API key' });
  });

  it('keys are listed by prefix only and a new key is shown once', async () => {
    const created = await api.call('POST', '/api/v1/keys', {
      key: account.liveKey,
      body: { mode: 'test', name: 'staging' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().api_key).toMatch(/^cs_test_/);
    const list = (await api.call('GET', '/api/v1/keys', { key: account.liveKey })).json();
    const text = JSON.stringify(list);
    expect(text).not.toContain(created.json().api_key);
    expect(text).not.toContain(account.liveKey);
    expect(list.keys.every((k: { prefix: string }) => k.prefix.length === 12)).toBe(true);
  });

  it('a test key cannot create live keys, nor see or revoke them', async () => {
    const create = await api.call('POST', '/api/v1/keys', { key: account.testKey, body: { mode: 'live' } });
    expect(create.statusCode).toBe(403);
    const list = (await api.call('GET', '/api/v1/keys', { key: account.testKey })).json();
    expect(list.keys.every((k: { mode: string }) => k.mode === 'test')).toBe(true);
    const liveKeyId = (await api.call('GET', '/api/v1/keys', { key: account.liveKey }))
      .json()
      .keys.find((k: { mode: string }) => k.mode === 'live').id;
    expect((await api.call('DELETE', `/api/v1/keys/${liveKeyId}`, { key: account.testKey })).statusCode).toBe(
      404,
    );
  });

  it('key creation validates its body', async () => {
    const response = await api.call('POST', '/api/v1/keys', {
      key: account.liveKey,
      body: { mode: 'prod', name: 'x'.repeat(200) },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details.map((d: { field: string }) => d.field)).toEqual(['mode', 'name']);
  });

  it('over the plan rate → 429 with Retry-After; the next minute is allowed again', async () => {
    const limited = await accountLimitedToFivePerMinute(api);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<TestApi['call']>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await api.call('GET', '/api/v1/usage', { key: limited.testKey });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last!.headers['retry-after']).toBe('50');
    expect(last!.headers['x-ratelimit-remaining']).toBe('0');
    const reset = Math.ceil((api.clock.now() + 50_000) / 1000);
    expect(last!.json()).toEqual({ error: 'Rate limit exceeded', limit: 5, reset });
    api.clock.advance(50_000);
    expect((await api.call('GET', '/api/v1/usage', { key: limited.testKey })).statusCode).toBe(200);
  });

  it('the operator API needs the admin token', async () => {
    expect((await api.call('POST', '/admin/v1/accounts', { body: { email: 'a@b.co' } })).statusCode).toBe(
      401,
    );
    expect(
      (
        await api.call('POST', '/admin/v1/accounts', {
          body: { email: 'a@b.co' },
          headers: { authorization: 'Bearer wrong' },
        })
      ).statusCode,
    ).toBe(401);
  });
});

// Scale mode: several API processes on one PostgreSQL database. Each composed service is what one process runs.
describe('API processes sharing a PostgreSQL database count each key together', () => {
  let api: TestApi;
  let second: ServiceParts;
  beforeAll(async () => {
    api = await createTestApi('postgres');
    second = await readyService({
      store: api.store,
      config: api.config,
      clock: api.clock,
      liveCollectors: {},
    });
  });
  afterAll(async () => {
    await second.app.close();
    await api.close();
  });

  it('the limit holds across processes: requests alternating between two are refused after five', async () => {
    const limited = await accountLimitedToFivePerMinute(api);
    const responses = [];
    for (let i = 0; i < 8; i++) {
      const app = i % 2 === 0 ? api.app : second.app;
      responses.push(
        await app.inject({ method: 'GET', url: '/api/v1/usage', headers: { 'x-api-key': limited.testKey } }),
      );
    }
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(responses.map((r) => r.headers['x-ratelimit-remaining'])).toEqual([
      '4',
      '3',
      '2',
      '1',
      '0',
      '0',
      '0',
      '0',
    ]);
    expect(responses[6]!.headers['retry-after']).toBe('50');
    // A new minute, in both processes.
    api.clock.advance(50_000);
    for (const app of [api.app, second.app]) {
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/usage',
        headers: { 'x-api-key': limited.testKey },
      });
      expect(response.statusCode).toBe(200);
    }
  });
});
