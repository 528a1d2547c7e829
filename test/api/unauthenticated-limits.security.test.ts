// Requests without a valid key are refused, and limited per client address so that refusing them stays cheap.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

const MINUTE = 60_000;

describe.each(DIALECTS)('requests without a valid key are limited per client address (%s)', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(dialect);
  });
  afterAll(() => api.close());

  const keyless = (remoteAddress: string, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'GET', url: '/api/v1/usage', remoteAddress, headers });
  /** 20 s into a fresh minute: 40 s left of it. */
  const startOfNextMinutePlus20s = () =>
    api.clock.set(Math.ceil((api.clock.now() + 1) / MINUTE) * MINUTE + 20_000);

  it('a 401 carries the X-RateLimit headers of its address', async () => {
    startOfNextMinutePlus20s();
    const reset = String(Math.ceil((api.clock.now() + 40_000) / 1000));
    const missing = await keyless('198.51.100.1');
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual({ error: 'API key required' });
    expect(missing.headers).toMatchObject({
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': '299',
      'x-ratelimit-reset': reset,
    });
    const invalid = await keyless('198.51.100.1', { 'x-api-key': 'cs_live_not-a-key' });
    expect(invalid.statusCode).toBe(401);
    expect(invalid.json()).toEqual({ error: 'Invalid API key' });
    expect(invalid.headers['x-ratelimit-remaining']).toBe('298');
  });

  it('the 301st keyless request of a minute is 429 with Retry-After; another address and the next minute are not', async () => {
    startOfNextMinutePlus20s();
    let last: LightMyRequestResponse | undefined;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 301; i++) {
      last = await keyless('203.0.113.7');
      statuses.set(last.statusCode, (statuses.get(last.statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 300, 429: 1 });
    const reset = Math.ceil((api.clock.now() + 40_000) / 1000);
    expect(last!.json()).toEqual({ error: 'Rate limit exceeded', limit: 300, reset });
    expect(last!.headers).toMatchObject({
      'retry-after': '40',
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(reset),
    });
    // A wrong key from the same address is refused for the rate too: it has no key's limit to draw on.
    expect((await keyless('203.0.113.7', { 'x-api-key': 'garbage' })).statusCode).toBe(429);

    const neighbour = await keyless('203.0.113.8');
    expect(neighbour.statusCode).toBe(401);
    expect(neighbour.headers['x-ratelimit-remaining']).toBe('299');

    api.clock.advance(40_000);
    const nextMinute = await keyless('203.0.113.7');
    expect(nextMinute.statusCode).toBe(401);
    expect(nextMinute.headers['x-ratelimit-remaining']).toBe('299');
  });

  it('IPv6 addresses of one /64 share a count: changing the last 64 bits does not step around it', async () => {
    startOfNextMinutePlus20s();
    for (let i = 0; i < 300; i++) await keyless(`2001:db8:aa:bb::${(i + 1).toString(16)}`);
    expect((await keyless('2001:db8:aa:bb:ffff:ffff:ffff:fffe')).statusCode).toBe(429);
    const nextNetwork = await keyless('2001:db8:aa:bc::1');
    expect(nextNetwork.statusCode).toBe(401);
    expect(nextNetwork.headers['x-ratelimit-remaining']).toBe('299');
  });

  it('a valid key from a limited address is answered under its own limit', async () => {
    const account = await api.createAccount();
    startOfNextMinutePlus20s();
    for (let i = 0; i < 300; i++) await keyless('192.0.2.55');
    expect((await keyless('192.0.2.55')).statusCode).toBe(429);
    const keyed = await keyless('192.0.2.55', { 'x-api-key': account.testKey });
    expect(keyed.statusCode).toBe(200);
    expect(keyed.headers['x-ratelimit-limit']).toBe('60');
  });
});

describe('behind a reverse proxy (TRUST_PROXY=true) the client address is the forwarded one', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('sqlite', {
      config: { trustProxy: true, unauthenticatedRateLimitPerMinute: 2 },
    });
  });
  afterAll(() => api.close());

  it('clients behind one proxy address are counted apart', async () => {
    const from = (client: string) =>
      api.app.inject({
        method: 'GET',
        url: '/api/v1/videos',
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': client },
      });
    expect([(await from('198.51.100.20')).statusCode, (await from('198.51.100.20')).statusCode]).toEqual([
      401, 401,
    ]);
    expect((await from('198.51.100.20')).statusCode).toBe(429);
    expect((await from('198.51.100.21')).statusCode).toBe(401);
  });
});

describe('behind one proxy (TRUST_PROXY=1) a client cannot choose its own address', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('sqlite', { config: { trustProxy: 1, unauthenticatedRateLimitPerMinute: 2 } });
  });
  afterAll(() => api.close());

  it('a forged leftmost X-Forwarded-For does not reset the count: the hop the proxy added is the client', async () => {
    // The proxy appends the address it saw; whatever the client sent before it is the client's own invention.
    const forged = (invented: string) =>
      api.app.inject({
        method: 'GET',
        url: '/api/v1/videos',
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': `${invented}, 198.51.100.30` },
      });
    const statuses = [];
    for (const invented of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      statuses.push((await forged(invented)).statusCode);
    expect(statuses).toEqual([401, 401, 429]);
  });
});
