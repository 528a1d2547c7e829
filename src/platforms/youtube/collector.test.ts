// The YouTube collector end to end: the real HTTP client against the local fake platform, which stands
// in for www.youtube.com and www.googleapis.com and serves the fixtures.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeHandler,
  type FakePlatform,
  type FakeReply,
  fakeReply,
  startFakePlatform,
} from '../../../test/fake-platform/server.ts';
import { type ClosableHttpClient, createHttpClient } from '../../http/client.ts';
import type { HttpClient } from '../../http/types.ts';
import type { Collector, CollectResult } from '../types.ts';
import { createYouTubeCollector, type YouTubeCollectorOptions } from './collector.ts';
import { youtubeRef } from './url.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const apiJson = (name: string, status = 200): FakeReply => ({
  status,
  headers: { 'content-type': 'application/json; charset=UTF-8' },
  body: fixture(name),
});

const API_KEY = 'AIzaSyTestKey-never-printed';
const NOW = Date.parse('2024-01-29T10:00:00.000Z');

/** Which fixture page answers for which video id. */
const PAGES: Record<string, string> = {
  Xr4bK2m9QpA: 'watch-public.html',
  Lk3vN8sT1wE: 'watch-abbreviated-counts.html',
  Qm7pZ0cR5yU: 'watch-likes-hidden-comments-off.html',
  Pv8tE1aB6cD: 'watch-private.html',
  Un4vL9aI1bM: 'watch-unavailable.html',
  Bt5cK0qW2eR: 'watch-bot-check.html',
};

const servePages: FakeHandler = (req) => {
  if (req.url.hostname === 'www.youtube.com' && req.url.pathname === '/watch') {
    const page = PAGES[req.url.searchParams.get('v') ?? ''];
    if (page) return fakeReply.html(fixture(page));
  }
  return fakeReply.notFound();
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  handler: FakeHandler,
  options: Partial<YouTubeCollectorOptions> = {},
): Promise<{ fake: FakePlatform; collector: Collector; http: ClosableHttpClient }> {
  const fake = await startFakePlatform(handler);
  const http = createHttpClient({
    upstreams: fake.upstreams([
      'https://www.youtube.com',
      'https://m.youtube.com',
      'https://www.googleapis.com',
      'https://youtube.googleapis.com',
    ]),
  });
  cleanups.push(
    () => fake.close(),
    () => http.close(),
  );
  return { fake, http, collector: createYouTubeCollector({ http, now: () => NOW, ...options }) };
}

async function collectOne(collector: Collector, videoId: string): Promise<CollectResult> {
  const [result] = await collector.collect([youtubeRef(videoId)]);
  if (!result) throw new Error('no result');
  return result;
}

const apiRequests = (fake: FakePlatform) =>
  fake.requests.filter((req) => req.url.hostname === 'www.googleapis.com');
const pageRequests = (fake: FakePlatform) =>
  fake.requests.filter((req) => req.url.hostname === 'www.youtube.com');

describe('the YouTube collector without an API key reads watch pages', () => {
  it('returns exact counts from the watch page', async () => {
    const { collector } = await setup(servePages);
    expect(collector.batchSize).toBe(1);
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: true,
      value: {
        metrics: { views: 48_213_997n, likes: 1_234_567n, comments: 20_482n, shares: null, saves: null },
        metadata: { title: 'I built a boat in 10 days (and it floats)', creator: 'River Workshop' },
        provider: 'youtube-web',
      },
    });
  });

  it('reads a page whose marker and characters arrive split across chunks', async () => {
    // The fake sends the first 1024 bytes, then the rest: the name of the player response straddles the cut,
    // and the objects carry non-ASCII characters.
    const page = fixture('watch-public.html');
    const player = JSON.parse(
      page.slice(page.indexOf('{', page.indexOf('var ytInitialPlayerResponse')), page.indexOf('};var meta')) +
        '}',
    );
    expect(player.videoDetails.videoId).toBe('Xr4bK2m9QpA');
    player.videoDetails.title = 'Ein Boot – 日本語 🚣';
    const opening = '<!DOCTYPE html><html><body><p>Grüße</p><script>var ';
    const padding = `<!--${'x'.repeat(1024 - 10 - Buffer.byteLength(opening) - 7)}-->`;
    const split = `${padding}${opening}ytInitialPlayerResponse = ${JSON.stringify(player)};</script></body></html>`;
    expect(Buffer.from(split).indexOf('ytInitialPlayerResponse')).toBe(1024 - 10);
    const { collector } = await setup(() => ({ ...fakeReply.html(split), bodyDelayMs: 20 }));
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: true,
      value: { metrics: { views: 48_213_997n }, metadata: { title: 'Ein Boot – 日本語 🚣' } },
    });
  });

  it('asks for the English page with consent already answered', async () => {
    const { fake, collector } = await setup(servePages);
    await collectOne(collector, 'Xr4bK2m9QpA');
    const [request] = pageRequests(fake);
    expect(request?.url.href).toBe('https://www.youtube.com/watch?v=Xr4bK2m9QpA&hl=en');
    expect(request?.headers.cookie).toContain('SOCS=CAI');
    expect(request?.headers['accept-language']).toMatch(/^en/);
  });

  it('handles each of several videos and keeps their order', async () => {
    const { collector } = await setup(servePages);
    const results = await collector.collect(['Pv8tE1aB6cD', 'Xr4bK2m9QpA', 'Un4vL9aI1bM'].map(youtubeRef));
    expect(results.map((result) => (result.ok ? 'ok' : result.error.kind))).toEqual([
      'private',
      'ok',
      'not_found',
    ]);
  });

  it('marks abbreviated counts approximate', async () => {
    const { collector } = await setup(servePages);
    expect(await collectOne(collector, 'Lk3vN8sT1wE')).toMatchObject({
      ok: true,
      value: { metrics: { likes: 2_500_000n, comments: 501_000n }, approximate: true },
    });
  });
});

describe('the YouTube collector with an API key reads the Data API in batches', () => {
  const serveApiAndPages: FakeHandler = (req) => {
    if (req.url.hostname === 'www.googleapis.com') return apiJson('data-api-videos.json');
    return servePages(req);
  };

  it('reads 50 videos with one request', async () => {
    const { fake, collector } = await setup(serveApiAndPages, { apiKey: API_KEY });
    expect(collector.batchSize).toBe(50);
    const ids = ['Xr4bK2m9QpA', 'Qm7pZ0cR5yU', 'Lk3vN8sT1wE'];
    for (let i = ids.length; i < 50; i++) ids.push(`Gone${String(i).padStart(7, '0')}`);
    const results = await collector.collect(ids.map(youtubeRef));

    expect(apiRequests(fake)).toHaveLength(1);
    const query = apiRequests(fake)[0]?.url.searchParams;
    expect(query?.get('id')?.split(',')).toEqual(ids);
    expect(query?.get('part')).toBe('statistics,snippet');
    expect(query?.get('key')).toBe(API_KEY);
    expect(pageRequests(fake)).toHaveLength(0);

    expect(results).toHaveLength(50);
    expect(results[0]).toMatchObject({
      ok: true,
      value: {
        metrics: { views: 48_213_997n, likes: 1_234_567n, comments: 20_482n, shares: null, saves: null },
        metadata: { title: 'I built a boat in 10 days (and it floats)', creator: 'River Workshop' },
        provider: 'youtube-data-api',
      },
    });
    expect(results[1]).toMatchObject({
      ok: true,
      value: { metrics: { views: 3071n, likes: null, comments: null } },
    });
    expect(results[2]).toMatchObject({
      ok: true,
      value: { metrics: { likes: 2_512_345n, comments: 501_234n } },
    });
    // Ids missing from `items` are not_found, without a trip to their watch pages.
    expect(results.slice(3).every((result) => !result.ok && result.error.kind === 'not_found')).toBe(true);
  });

  it('splits more than 50 videos into calls of at most 50', async () => {
    const { fake, collector } = await setup(serveApiAndPages, { apiKey: API_KEY });
    const ids = Array.from({ length: 51 }, (_, i) => `Vid${String(i).padStart(8, '0')}`);
    await collector.collect(ids.map(youtubeRef));
    expect(apiRequests(fake).map((req) => req.url.searchParams.get('id')?.split(',').length)).toEqual([
      50, 1,
    ]);
  });

  it('asks once for a video listed twice and answers both', async () => {
    const { fake, collector } = await setup(serveApiAndPages, { apiKey: API_KEY });
    const results = await collector.collect(['Xr4bK2m9QpA', 'Xr4bK2m9QpA'].map(youtubeRef));
    expect(apiRequests(fake)[0]?.url.searchParams.get('id')).toBe('Xr4bK2m9QpA');
    expect(results.map((result) => result.ok)).toEqual([true, true]);
  });

  it('reads an item the API returns in an odd shape from its watch page instead', async () => {
    const { fake, collector } = await setup(
      (req) =>
        req.url.hostname === 'www.googleapis.com'
          ? fakeReply.json({ items: [{ id: 'Xr4bK2m9QpA', statistics: { viewCount: 48213997 } }] })
          : servePages(req),
      { apiKey: API_KEY },
    );
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: true,
      value: { provider: 'youtube-web', metrics: { views: 48_213_997n } },
    });
    expect(pageRequests(fake)).toHaveLength(1);
  });
});

describe('the YouTube collector falls back to watch pages when the Data API cannot answer', () => {
  it.each([
    ['quota exceeded', apiJson('data-api-quota-exceeded.json', 403)],
    ['an invalid key', apiJson('data-api-key-invalid.json', 400)],
    ['the API not enabled', apiJson('data-api-access-not-configured.json', 403)],
    ['a backend error', apiJson('data-api-backend-error.json', 503)],
    ['a 200 that is not JSON', fakeReply.html('<html>maintenance</html>')],
    ['a dropped connection', fakeReply.truncated('{"items":[{"id":"Xr4bK2m9QpA"', 10)],
  ])('on %s, reads each video from its watch page', async (_, apiReply) => {
    const { fake, collector } = await setup(
      (req) => (req.url.hostname === 'www.googleapis.com' ? apiReply : servePages(req)),
      { apiKey: API_KEY },
    );
    const results = await collector.collect(['Xr4bK2m9QpA', 'Pv8tE1aB6cD'].map(youtubeRef));
    expect(results[0]).toMatchObject({
      ok: true,
      value: { provider: 'youtube-web', metrics: { views: 48_213_997n } },
    });
    expect(results[1]).toMatchObject({ ok: false, error: { kind: 'private' } });
    expect(pageRequests(fake)).toHaveLength(2);
  });

  it('leaves the API alone for a while after its quota is used up', async () => {
    let now = NOW;
    const { fake, collector } = await setup(
      (req) =>
        req.url.hostname === 'www.googleapis.com'
          ? apiJson('data-api-quota-exceeded.json', 403)
          : servePages(req),
      { apiKey: API_KEY, apiPauseMs: 60_000, now: () => now },
    );
    await collectOne(collector, 'Xr4bK2m9QpA');
    await collectOne(collector, 'Xr4bK2m9QpA');
    expect(apiRequests(fake)).toHaveLength(1);
    now += 61_000;
    await collectOne(collector, 'Xr4bK2m9QpA');
    expect(apiRequests(fake)).toHaveLength(2);
    expect(pageRequests(fake)).toHaveLength(3);
  });

  it('keeps asking the API after a mere server error', async () => {
    const { fake, collector } = await setup(
      (req) =>
        req.url.hostname === 'www.googleapis.com'
          ? apiJson('data-api-backend-error.json', 503)
          : servePages(req),
      { apiKey: API_KEY },
    );
    await collectOne(collector, 'Xr4bK2m9QpA');
    await collectOne(collector, 'Xr4bK2m9QpA');
    expect(apiRequests(fake)).toHaveLength(2);
  });

  it('reports the watch page failure with the API reason, and never the key', async () => {
    const { collector } = await setup(
      (req) =>
        req.url.hostname === 'www.googleapis.com'
          ? apiJson('data-api-key-invalid.json', 400)
          : fakeReply.serverError(),
      { apiKey: API_KEY },
    );
    const result = await collectOne(collector, 'Xr4bK2m9QpA');
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient' } });
    expect(!result.ok && result.error.message).toContain('API_KEY_INVALID');
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });
});

describe('the YouTube collector classifies what the watch page answers', () => {
  it('passes on Retry-After from a 429 in seconds', async () => {
    const { collector } = await setup(() => fakeReply.tooManyRequests(120));
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', retryAfterMs: 120_000 },
    });
  });

  it('passes on Retry-After from a 429 as an HTTP date', async () => {
    const { collector } = await setup(() => ({
      status: 429,
      headers: { 'retry-after': new Date(NOW + 90_000).toUTCString() },
      body: '',
    }));
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', retryAfterMs: 90_000 },
    });
  });

  it('calls a redirect to the consent wall blocked', async () => {
    const { collector } = await setup(() =>
      fakeReply.redirect(
        'https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DXr4bK2m9QpA&gl=DE&m=0&pc=yt&hl=en&src=1',
      ),
    );
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'blocked', message: expect.stringContaining('consent') },
    });
  });

  it("calls a redirect to Google's unusual-traffic page rate_limited", async () => {
    const { collector } = await setup(() =>
      fakeReply.redirect(
        'https://www.google.com/sorry/index?continue=https://www.youtube.com/watch%3Fv%3DXr4bK2m9QpA&q=EgRk',
      ),
    );
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited' },
    });
  });

  it("follows a redirect inside YouTube's own hosts", async () => {
    const { fake, collector } = await setup((req) =>
      req.url.hostname === 'www.youtube.com' && !req.url.searchParams.has('app')
        ? fakeReply.redirect('https://www.youtube.com/watch?v=Xr4bK2m9QpA&hl=en&app=desktop')
        : servePages(req),
    );
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({ ok: true });
    expect(pageRequests(fake)).toHaveLength(2);
  });

  it('calls the bot check blocked', async () => {
    const { collector } = await setup(servePages);
    expect(await collectOne(collector, 'Bt5cK0qW2eR')).toMatchObject({
      ok: false,
      error: { kind: 'blocked' },
    });
  });

  it('calls a server error transient', async () => {
    const { collector } = await setup(() => fakeReply.serverError(503));
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'transient' },
    });
  });

  it('calls a timeout transient', async () => {
    const { collector } = await setup(() => fakeReply.slow(2_000, fakeReply.html('late')), {
      timeoutMs: 200,
    });
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'transient' },
    });
  });

  it('calls a page cut off mid-body transient', async () => {
    const page = fixture('watch-public.html');
    const { collector } = await setup(() => fakeReply.truncated(page, 100_000));
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'transient' },
    });
  });

  it('calls garbage bytes format_changed', async () => {
    const { collector } = await setup(() => fakeReply.garbage());
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });

  it('calls a body beyond the cap format_changed', async () => {
    const { collector } = await setup(() => fakeReply.huge(9 * 1024 * 1024));
    expect(await collectOne(collector, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });
});

describe('the YouTube collector never throws', () => {
  it('turns an exploding HTTP client into transient failures, one per video', async () => {
    const exploding: HttpClient = {
      fetch: () => Promise.reject(new Error('socket exploded')),
    };
    const collector = createYouTubeCollector({ http: exploding });
    const results = await collector.collect(['Xr4bK2m9QpA', 'Lk3vN8sT1wE'].map(youtubeRef));
    expect(results).toEqual([
      { ok: false, error: { kind: 'transient', message: expect.stringContaining('socket exploded') } },
      { ok: false, error: { kind: 'transient', message: expect.stringContaining('socket exploded') } },
    ]);
  });

  it('answers an aborted collection with transient failures', async () => {
    const { collector } = await setup(servePages);
    const controller = new AbortController();
    controller.abort();
    const results = await collector.collect([youtubeRef('Xr4bK2m9QpA')], controller.signal);
    expect(results).toMatchObject([{ ok: false, error: { kind: 'transient' } }]);
  });
});
