import { getEventListeners, once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeProxy, startFakeProxy } from '../../test/fake-platform/proxy.ts';
import {
  type FakeHandler,
  type FakePlatform,
  fakeReply,
  startFakePlatform,
} from '../../test/fake-platform/server.ts';
import { type ClosableHttpClient, createHttpClient, type HttpClientOptions } from './client.ts';
import type { OutboundResult } from './types.ts';

const PLATFORM = 'https://www.example-platform.com';
const CDN = 'https://cdn.example-platform.com';
const FOREIGN = 'https://evil.example';
const ALLOWED = ['www.example-platform.com', 'cdn.example-platform.com'];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function platform(handler: FakeHandler): Promise<FakePlatform> {
  const fake = await startFakePlatform(handler);
  cleanups.push(() => fake.close());
  return fake;
}

function client(options: HttpClientOptions): ClosableHttpClient {
  const http = createHttpClient(options);
  cleanups.push(() => http.close());
  return http;
}

async function proxy(): Promise<FakeProxy> {
  const started = await startFakeProxy();
  cleanups.push(() => started.close());
  return started;
}

/** The platform stand-in plus a "foreign" stand-in that must never be reached. */
async function platformAndForeign(handler: FakeHandler) {
  const fake = await platform(handler);
  const foreign = await platform(() => fakeReply.html('you should not be here'));
  const http = client({ upstreams: { ...fake.upstreams([PLATFORM, CDN]), ...foreign.upstreams([FOREIGN]) } });
  return { fake, foreign, http };
}

function expectFailure(result: OutboundResult, kind: string) {
  expect(result.ok ? 'ok' : result.error.kind).toBe(kind);
}

function ok(result: OutboundResult) {
  if (!result.ok) throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

describe('the upstream rewrite', () => {
  it('sends a real origin to its stand-in and names the real origin in X-Contentstats-Upstream', async () => {
    const fake = await platform((req) => fakeReply.json({ href: req.url.href }));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const response = ok(await http.fetch({ url: `${PLATFORM}/video/1?lang=en`, allowedHosts: ALLOWED }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ href: `${PLATFORM}/video/1?lang=en` });
    expect(response.finalUrl).toBe(`${PLATFORM}/video/1?lang=en`);
    expect(fake.requests[0]?.upstream).toBe(PLATFORM);
  });

  it('sends browser-like headers that a caller can override', async () => {
    const fake = await platform(() => fakeReply.html('ok'));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    ok(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, headers: { 'Accept-Language': 'de-DE' } }));
    const headers = fake.requests[0]?.headers ?? {};
    expect(headers['user-agent']).toMatch(/Chrome\/\d+/);
    expect(headers['accept']).toContain('text/html');
    expect(headers['accept-language']).toBe('de-DE');
  });

  it('sends a frozen headers object merged with the defaults, and each stand-in its own upstream header', async () => {
    const fake = await platform(() => fakeReply.html('ok'));
    const http = client({ upstreams: fake.upstreams([PLATFORM, CDN]) });
    const headers = Object.freeze({ Accept: 'application/json', 'X-Api-Key': 'k' });
    for (const url of [PLATFORM, CDN, PLATFORM])
      ok(await http.fetch({ url, allowedHosts: ALLOWED, headers }));
    expect(
      fake.requests.map((r) => [
        r.upstream,
        r.headers['accept'],
        r.headers['x-api-key'],
        r.headers['accept-language'],
      ]),
    ).toEqual([
      [PLATFORM, 'application/json', 'k', 'en-US,en;q=0.9'],
      [CDN, 'application/json', 'k', 'en-US,en;q=0.9'],
      [PLATFORM, 'application/json', 'k', 'en-US,en;q=0.9'],
    ]);
  });

  it('sends a headers object that is not frozen as it is at each request', async () => {
    const fake = await platform(() => fakeReply.html('ok'));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const headers: Record<string, string> = { 'x-token': 'first' };
    ok(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, headers }));
    headers['x-token'] = 'second';
    ok(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, headers }));
    expect(fake.requests.map((r) => r.headers['x-token'])).toEqual(['first', 'second']);
  });

  it.each([false, true])('decodes a gzip-compressed body (impersonating: %s)', async (impersonateBrowser) => {
    const fake = await platform(() => ({
      headers: { 'content-encoding': 'gzip', 'content-type': 'text/html' },
      body: gzipSync('<html>compressed é</html>'),
    }));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const response = ok(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, impersonateBrowser }));
    expect(response.body).toBe('<html>compressed é</html>');
  });

  it.each([false, true])(
    'hands over the bytes as received and their text without a byte order mark (impersonating: %s)',
    async (impersonateBrowser) => {
      const sent = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('<p>Café 😀</p>'),
        Buffer.from([0xc3]),
      ]);
      const fake = await platform(() => ({ headers: { 'content-type': 'text/html' }, body: sent }));
      const http = client({ upstreams: fake.upstreams([PLATFORM]) });
      const response = ok(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, impersonateBrowser }));
      expect(Buffer.from(response.bodyBytes ?? [])).toEqual(sent);
      // A malformed sequence is replaced, as any UTF-8 decoder does.
      expect(response.body).toBe('<p>Café 😀</p>\ufffd');
    },
  );
});

describe('redirects', () => {
  it('follows a redirect chain inside the allow-list and reports it in real-platform terms', async () => {
    const { fake, http } = await platformAndForeign((req) => {
      if (req.url.href === `${PLATFORM}/a`) return fakeReply.redirect(`${CDN}/b`, 301);
      if (req.url.href === `${CDN}/b`) return fakeReply.redirect('/c?x=1', 307);
      return fakeReply.html(`final ${req.url.href}`);
    });
    const response = ok(await http.fetch({ url: `${PLATFORM}/a`, allowedHosts: ALLOWED }));
    expect(response.body).toBe(`final ${CDN}/c?x=1`);
    expect(response.finalUrl).toBe(`${CDN}/c?x=1`);
    expect(response.redirects).toEqual([`${CDN}/b`, `${CDN}/c?x=1`]);
    expect(fake.requests.map((r) => r.upstream)).toEqual([PLATFORM, CDN, CDN]);
  });

  it('maps a Location naming the stand-in itself back to the real origin', async () => {
    const fake = await platform((req) =>
      req.url.pathname === '/a' ? fakeReply.redirect(`${fakeOrigin}/b`) : fakeReply.html('b'),
    );
    const fakeOrigin = fake.origin;
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const response = ok(await http.fetch({ url: `${PLATFORM}/a`, allowedHosts: ALLOWED }));
    expect(response.finalUrl).toBe(`${PLATFORM}/b`);
  });

  it('refuses a redirect to a host outside the allow-list and never contacts it', async () => {
    const { foreign, http } = await platformAndForeign(() => fakeReply.redirect(`${FOREIGN}/steal`));
    expectFailure(await http.fetch({ url: `${PLATFORM}/a`, allowedHosts: ALLOWED }), 'host_not_allowed');
    expect(foreign.requests).toHaveLength(0);
  });

  it('refuses a redirect to another port of an allowed host', async () => {
    const { fake, http } = await platformAndForeign(() =>
      fakeReply.redirect('https://www.example-platform.com:8443/'),
    );
    expectFailure(await http.fetch({ url: `${PLATFORM}/a`, allowedHosts: ALLOWED }), 'host_not_allowed');
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const { http } = await platformAndForeign(() => fakeReply.redirect('file:///etc/passwd'));
    expectFailure(await http.fetch({ url: `${PLATFORM}/a`, allowedHosts: ALLOWED }), 'host_not_allowed');
  });

  it('refuses a first URL outside the allow-list before connecting', async () => {
    const { foreign, http } = await platformAndForeign(() => fakeReply.html('ok'));
    expectFailure(await http.fetch({ url: `${FOREIGN}/x`, allowedHosts: ALLOWED }), 'host_not_allowed');
    expectFailure(
      await http.fetch({ url: 'ftp://www.example-platform.com/', allowedHosts: ALLOWED }),
      'host_not_allowed',
    );
    expectFailure(await http.fetch({ url: 'not a url', allowedHosts: ALLOWED }), 'host_not_allowed');
    expect(foreign.requests).toHaveLength(0);
  });

  it('gives up on endless redirects after five hops', async () => {
    let n = 0;
    const { fake, http } = await platformAndForeign(() => fakeReply.redirect(`${PLATFORM}/loop/${++n}`));
    expectFailure(
      await http.fetch({ url: `${PLATFORM}/start`, allowedHosts: ALLOWED, maxRedirects: 50 }),
      'too_many_redirects',
    );
    expect(fake.requests).toHaveLength(6);
  });

  it('returns the redirect itself when maxRedirects is 0', async () => {
    const { fake, http } = await platformAndForeign(() => fakeReply.redirect(`${FOREIGN}/elsewhere`, 301));
    const response = ok(await http.fetch({ url: `${PLATFORM}/a`, allowedHosts: ALLOWED, maxRedirects: 0 }));
    expect(response.status).toBe(301);
    expect(response.headers['location']).toBe(`${FOREIGN}/elsewhere`);
    expect(response.redirects).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('turns a POST into a GET on 303', async () => {
    const { fake, http } = await platformAndForeign((req) =>
      req.url.pathname === '/form' ? fakeReply.redirect('/done', 303) : fakeReply.html(req.method),
    );
    const response = ok(
      await http.fetch({ url: `${PLATFORM}/form`, method: 'POST', body: 'a=1', allowedHosts: ALLOWED }),
    );
    expect(response.body).toBe('GET');
    expect(fake.requests.map((r) => `${r.method} ${r.body}`)).toEqual(['POST a=1', 'GET ']);
  });
});

describe('limits', () => {
  it('refuses a body announced larger than the cap without reading it', async () => {
    const fake = await platform(() => fakeReply.huge(50 * 1024 * 1024, true));
    const http = client({ upstreams: fake.upstreams([PLATFORM]), maxBodyBytes: 1024 * 1024 });
    expectFailure(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED }), 'too_large');
  });

  it('stops reading a streamed body once it passes the cap', async () => {
    const fake = await platform(() => fakeReply.huge(4 * 1024 * 1024 * 1024));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const started = Date.now();
    expectFailure(
      await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, maxBodyBytes: 256 * 1024 }),
      'too_large',
    );
    // Reading 4 GiB would take far longer; this only passes if the client stopped early.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([false, true])(
    'stops decompressing a body once its decoded size passes the cap (impersonating: %s)',
    async (impersonateBrowser) => {
      const fake = await platform(() => ({
        headers: { 'content-encoding': 'gzip', 'content-type': 'text/html' },
        body: gzipSync(Buffer.alloc(20 * 1024 * 1024)),
      }));
      const http = client({ upstreams: fake.upstreams([PLATFORM]) });
      expectFailure(
        await http.fetch({
          url: PLATFORM,
          allowedHosts: ALLOWED,
          impersonateBrowser,
          maxBodyBytes: 1024 * 1024,
        }),
        'too_large',
      );
    },
  );

  it('reports a body that does not decompress as a network failure', async () => {
    const fake = await platform(() => ({
      headers: { 'content-encoding': 'gzip', 'content-type': 'text/html' },
      body: Buffer.from('this is not gzip at all'),
    }));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    expectFailure(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED }), 'network');
  });

  it('accepts a body exactly at the cap', async () => {
    const fake = await platform(() => fakeReply.huge(1000));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    expect(
      ok(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, maxBodyBytes: 1000 })).body,
    ).toHaveLength(1000);
  });

  it('times out a server that does not answer in time', async () => {
    const fake = await platform(() => fakeReply.slow(10_000, fakeReply.html('late')));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const started = Date.now();
    expectFailure(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, timeoutMs: 150 }), 'timeout');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it.each([false, true])(
    'counts reading the body towards the total timeout (impersonating: %s)',
    async (impersonateBrowser) => {
      const fake = await platform(() => ({ ...fakeReply.html('x'.repeat(5000)), bodyDelayMs: 10_000 }));
      const http = client({ upstreams: fake.upstreams([PLATFORM]), timeoutMs: 150 });
      const started = Date.now();
      expectFailure(
        await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, impersonateBrowser }),
        'timeout',
      );
      expect(Date.now() - started).toBeLessThan(1_500);
    },
  );

  it('reports a caller abort while the body is being read as aborted', async () => {
    const fake = await platform(() => ({ ...fakeReply.html('x'.repeat(5000)), bodyDelayMs: 10_000 }));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expectFailure(
      await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, signal: controller.signal }),
      'aborted',
    );
  });

  it('reports a caller abort as aborted', async () => {
    const fake = await platform(() => fakeReply.slow(10_000));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expectFailure(
      await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, signal: controller.signal }),
      'aborted',
    );
  });

  it('still times out when the caller passes a signal of its own', async () => {
    const fake = await platform(() => fakeReply.slow(10_000));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const started = Date.now();
    const controller = new AbortController();
    expectFailure(
      await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, timeoutMs: 150, signal: controller.signal }),
      'timeout',
    );
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("leaves no listener on the caller's signal once the request is over", async () => {
    const fake = await platform((req) =>
      req.url.pathname === '/slow' ? fakeReply.slow(10_000) : fakeReply.html('ok'),
    );
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const { signal } = new AbortController();
    ok(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, signal }));
    await http.fetch({ url: `${PLATFORM}/slow`, allowedHosts: ALLOWED, timeoutMs: 100, signal });
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('does not connect at all for an already aborted signal', async () => {
    const fake = await platform(() => fakeReply.html('ok'));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    expectFailure(
      await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, signal: AbortSignal.abort() }),
      'aborted',
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('reports a refused connection as a network failure', async () => {
    const http = client({ upstreams: { [PLATFORM]: await closedOrigin() } });
    expectFailure(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED }), 'network');
  });

  it('reports a connection dropped mid-body as a network failure', async () => {
    const fake = await platform(() => fakeReply.truncated('x'.repeat(100_000), 1000));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    expectFailure(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED }), 'network');
  });
});

describe('proxies', () => {
  it('spreads requests round-robin over the configured proxies', async () => {
    const fake = await platform(() => fakeReply.html('ok'));
    const [first, second] = [await proxy(), await proxy()];
    const http = client({ upstreams: fake.upstreams([PLATFORM]), proxyUrls: [first.url, second.url] });
    for (let i = 0; i < 4; i++) ok(await http.fetch({ url: `${PLATFORM}/${i}`, allowedHosts: ALLOWED }));
    expect(first.requests).toEqual(['GET /0', 'GET /2']);
    expect(second.requests).toEqual(['GET /1', 'GET /3']);
    expect(fake.requests).toHaveLength(4);
  });

  it('uses the proxies on the impersonation path too', async () => {
    const fake = await platform(() => fakeReply.html('ok'));
    const via = await proxy();
    const http = client({ upstreams: fake.upstreams([PLATFORM]), proxyUrls: [via.url] });
    ok(await http.fetch({ url: PLATFORM, allowedHosts: ALLOWED, impersonateBrowser: true }));
    expect(via.requests).toHaveLength(1);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('browser impersonation', () => {
  it('reaches the stand-in with Chrome headers and the upstream header', async () => {
    const fake = await platform((req) => fakeReply.html(req.url.href));
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const response = ok(
      await http.fetch({ url: `${PLATFORM}/v`, allowedHosts: ALLOWED, impersonateBrowser: true }),
    );
    expect(response.body).toBe(`${PLATFORM}/v`);
    const headers = fake.requests[0]?.headers ?? {};
    expect(headers['x-contentstats-upstream']).toBe(PLATFORM);
    expect(headers['sec-ch-ua']).toContain('Google Chrome');
    expect(headers['user-agent']).toMatch(/Chrome\/\d+/);
  });

  it('applies the same redirect policy', async () => {
    const { foreign, http } = await platformAndForeign((req) =>
      req.url.pathname === '/a' ? fakeReply.redirect(`${CDN}/b`) : fakeReply.redirect(`${FOREIGN}/x`),
    );
    expectFailure(
      await http.fetch({ url: `${PLATFORM}/a`, allowedHosts: ALLOWED, impersonateBrowser: true }),
      'host_not_allowed',
    );
    expect(foreign.requests).toHaveLength(0);
  });

  it('applies the same body cap and timeout', async () => {
    const fake = await platform((req) =>
      req.url.pathname === '/huge' ? fakeReply.huge(1024 * 1024 * 1024) : fakeReply.slow(10_000),
    );
    const http = client({ upstreams: fake.upstreams([PLATFORM]) });
    const common = {
      allowedHosts: ALLOWED,
      impersonateBrowser: true,
      timeoutMs: 2_000,
      maxBodyBytes: 64 * 1024,
    };
    expectFailure(await http.fetch({ url: `${PLATFORM}/huge`, ...common }), 'too_large');
    expectFailure(await http.fetch({ url: `${PLATFORM}/slow`, ...common, timeoutMs: 150 }), 'timeout');
  });
});

async function closedOrigin(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
