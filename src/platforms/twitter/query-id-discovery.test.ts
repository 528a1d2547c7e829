import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakePlatform,
  type FakeReply,
  fakeReply,
  startFakePlatform,
} from '../../../test/fake-platform/server.ts';
import { type ClosableHttpClient, createHttpClient } from '../../http/client.ts';
import { createQueryIdDiscovery, findMainBundleUrl, findQueryId } from './query-id-discovery.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const PAGE = fixture('web-app-page.html');
const BUNDLE = fixture('main-bundle.js');
const BUNDLE_PATH = '/responsive-web/client-web/main.7d41a0be.js';

describe('reading operation ids from the web bundle', () => {
  it('finds the main bundle among the scripts x.com loads', () => {
    expect(findMainBundleUrl(PAGE)).toBe(`https://abs.twimg.com${BUNDLE_PATH}`);
    expect(findMainBundleUrl('<html><script src="https://evil.example/main.abc123.js"></script>')).toBe(
      undefined,
    );
  });

  it('takes the id of the named operation, not of its neighbours', () => {
    expect(findQueryId(BUNDLE, 'TweetResultByRestId')).toBe('zAz9764BcLZOJ0JU2wrd1A');
    expect(findQueryId(BUNDLE, 'TweetResultsByRestIds')).toBe('Kq2xzBNAo4R4T6yTgkAaLQ');
    expect(findQueryId(BUNDLE, 'TweetDetail')).toBe('Hq4wFsd3Fz9CzdQ9t2BOtg');
    expect(findQueryId(BUNDLE, 'NoSuchOperation')).toBeUndefined();
  });

  it('reads quoted keys and either order of queryId and operationName', () => {
    expect(
      findQueryId(
        '{"operationName":"TweetResultByRestId","queryId":"AbCdEfGh123_-x"}',
        'TweetResultByRestId',
      ),
    ).toBe('AbCdEfGh123_-x');
    expect(
      findQueryId("{queryId: 'AbCdEfGh123_-y', operationName: 'TweetResultByRestId'}", 'TweetResultByRestId'),
    ).toBe('AbCdEfGh123_-y');
  });
});

describe('discovering the current id', () => {
  let fake: FakePlatform | undefined;
  let http: ClosableHttpClient | undefined;
  afterEach(async () => {
    await http?.close();
    await fake?.close();
  });

  async function start(answer: (path: string, host: string) => FakeReply) {
    fake = await startFakePlatform((request) => answer(request.url.pathname, request.url.host));
    http = createHttpClient({
      upstreams: fake.upstreams(['https://x.com', 'https://abs.twimg.com']),
      timeoutMs: 5_000,
    });
    return http;
  }

  const healthy = (bundle: string) => (path: string, host: string) =>
    host === 'x.com' && path === '/'
      ? fakeReply.html(PAGE)
      : host === 'abs.twimg.com' && path === BUNDLE_PATH
        ? { headers: { 'content-type': 'application/javascript' }, body: bundle }
        : fakeReply.notFound();

  it('uses the configured id, then the built-in one, until a discovery succeeds', async () => {
    const client = await start(() => fakeReply.notFound());
    const common = { http: client, now: () => 1_000, timeoutMs: 5_000, operationName: 'TweetResultByRestId' };
    const configured = createQueryIdDiscovery({
      ...common,
      builtIn: 'BuiltIn0000',
      configured: 'Configured1',
      enabled: true,
    });
    expect(configured.current()).toEqual({ queryId: 'Configured1', origin: 'configured' });
    const state = await configured.refresh();
    expect(state).toMatchObject({ queryId: 'Configured1', origin: 'configured' });
    expect(state.lastProblem).toMatch(/HTTP 404/);
    const builtIn = createQueryIdDiscovery({ ...common, builtIn: 'BuiltIn0000', enabled: true });
    expect(builtIn.current()).toEqual({ queryId: 'BuiltIn0000', origin: 'built-in' });
  });

  it('reads the page and the bundle through the client, caches the id with its time, and waits before asking again', async () => {
    const client = await start(healthy(BUNDLE));
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const discovery = createQueryIdDiscovery({
      http: client,
      now: () => clock,
      timeoutMs: 5_000,
      operationName: 'TweetResultByRestId',
      builtIn: 'BuiltIn0000',
      enabled: true,
      minIntervalMs: 60_000,
    });
    expect(discovery.untried).toBe(true);
    const [first, second] = await Promise.all([discovery.refresh(), discovery.refresh()]);
    expect(first).toEqual({ queryId: 'zAz9764BcLZOJ0JU2wrd1A', origin: 'discovered', discoveredAtMs: clock });
    expect(second).toEqual(first);
    // Concurrent callers shared one reading: one page, one bundle.
    expect(fake?.requests.map((r) => r.url.href)).toEqual([
      'https://x.com/',
      `https://abs.twimg.com${BUNDLE_PATH}`,
    ]);

    clock += 30_000;
    await discovery.refresh();
    expect(fake?.requests).toHaveLength(2);
    clock += 30_000;
    await discovery.refresh();
    expect(fake?.requests).toHaveLength(4);
  });

  it('keeps an id discovered earlier when a later reading fails', async () => {
    let bundle = BUNDLE;
    const client = await start((path, host) => healthy(bundle)(path, host));
    let clock = 0;
    const discovery = createQueryIdDiscovery({
      http: client,
      now: () => clock,
      timeoutMs: 5_000,
      operationName: 'TweetResultByRestId',
      builtIn: 'BuiltIn0000',
      enabled: true,
      minIntervalMs: 1,
    });
    await discovery.refresh();
    bundle = 'console.log("rewritten")';
    clock += 10;
    const state = await discovery.refresh();
    expect(state).toMatchObject({
      queryId: 'zAz9764BcLZOJ0JU2wrd1A',
      origin: 'discovered',
      discoveredAtMs: 0,
    });
    expect(state.lastProblem).toBe('x-web-bundle: the bundle names no TweetResultByRestId');
  });

  it('never reads anything when discovery is off', async () => {
    const client = await start(healthy(BUNDLE));
    const discovery = createQueryIdDiscovery({
      http: client,
      now: () => 0,
      timeoutMs: 5_000,
      operationName: 'TweetResultByRestId',
      builtIn: 'BuiltIn0000',
      configured: 'Configured1',
      enabled: false,
    });
    expect(discovery.untried).toBe(false);
    expect(await discovery.refresh()).toEqual({ queryId: 'Configured1', origin: 'configured' });
    expect(fake?.requests).toHaveLength(0);
  });
});
