// The collector end to end: the real HTTP client (impersonation path included) against the local fake
// platform, which stands in for www.tiktok.com and serves the fixture pages.
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeHandler,
  type FakePlatform,
  fakeReply,
  startFakePlatform,
} from '../../../test/fake-platform/server.ts';
import { type ClosableHttpClient, createHttpClient, type HttpClientOptions } from '../../http/client.ts';
import type { CollectFailure, Collector, CollectResult } from '../types.ts';
import { createTikTokCollector } from './collector.ts';
import { FIXTURE_VIDEO_ID, FIXTURE_VIDEO_URL, loadFixture } from './fixture-pages.ts';
import { tiktokRef } from './url.ts';

const TIKTOK = 'https://www.tiktok.com';
const FOREIGN = 'https://login.example';
const VIDEO_PATH = `/@_/video/${FIXTURE_VIDEO_ID}`;
const NOW = Date.parse('2024-01-29T10:00:00.000Z');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  tiktok: FakePlatform;
  foreign: FakePlatform;
  collector: Collector;
}

async function setup(handler: FakeHandler, clientOptions: HttpClientOptions = {}): Promise<Setup> {
  const tiktok = await startFakePlatform(handler);
  const foreign = await startFakePlatform(() => fakeReply.html('not TikTok'));
  const http: ClosableHttpClient = createHttpClient({
    ...clientOptions,
    upstreams: {
      ...tiktok.upstreams([TIKTOK, 'https://m.tiktok.com', 'https://vm.tiktok.com', 'https://vt.tiktok.com']),
      ...foreign.upstreams([FOREIGN]),
    },
  });
  cleanups.push(
    () => tiktok.close(),
    () => foreign.close(),
    () => http.close(),
  );
  return { tiktok, foreign, collector: createTikTokCollector({ http, now: () => NOW }) };
}

/** Serves `reply` for the canonical video URL and 404 for anything else. */
const atVideoUrl =
  (reply: ReturnType<typeof fakeReply.html>): FakeHandler =>
  (req) =>
    req.url.href === `${TIKTOK}${VIDEO_PATH}` ? reply : fakeReply.notFound();

async function collectOne(collector: Collector): Promise<CollectResult> {
  const [result] = await collector.collect([tiktokRef(FIXTURE_VIDEO_ID)]);
  if (!result) throw new Error('no result');
  return result;
}

function failureOf(result: CollectResult): CollectFailure {
  if (result.ok) throw new Error('expected a failure, got an observation');
  return result.error;
}

describe('collecting a public TikTok video', () => {
  it('reads the exact counts from the canonical video page', async () => {
    const { tiktok, collector } = await setup(atVideoUrl(fakeReply.html(loadFixture('video-page'))));
    const result = await collectOne(collector);
    expect(result).toEqual({
      ok: true,
      value: {
        metrics: { views: 21984337n, likes: 1843022n, comments: 12874n, shares: 40117n, saves: 210455n },
        metadata: {
          title: 'Brown butter miso cookies that stay soft for days 🍪✨',
          creator: 'marisol.bakes',
          description: expect.stringContaining('#recipe'),
        },
        provider: 'tiktok-web',
      },
    });
    expect(tiktok.requests).toHaveLength(1);
    expect(tiktok.requests[0]?.upstream).toBe(TIKTOK);
    // Asked for with a browser's identity: TikTok turns plain clients away.
    expect(tiktok.requests[0]?.headers['sec-ch-ua']).toContain('Chrome');
  });

  it("follows TikTok's redirect to the author's own URL", async () => {
    const { collector } = await setup((req) =>
      req.url.pathname === VIDEO_PATH
        ? fakeReply.redirect(FIXTURE_VIDEO_URL, 301)
        : fakeReply.html(loadFixture('video-page')),
    );
    const result = await collectOne(collector);
    expect(result.ok && result.value.metrics.views).toBe(21984337n);
  });

  it('reads a page with only rounded counts and says they are approximate', async () => {
    const { collector } = await setup(atVideoUrl(fakeReply.html(loadFixture('video-page-stats-only'))));
    const result = await collectOne(collector);
    expect(result.ok && result.value.approximate).toBe(true);
  });

  it('returns one result per video, in order', async () => {
    const { collector } = await setup((req) =>
      req.url.pathname === VIDEO_PATH
        ? fakeReply.html(loadFixture('video-page'))
        : fakeReply.html(loadFixture('private-video')),
    );
    const results = await collector.collect([tiktokRef('7000000000000000001'), tiktokRef(FIXTURE_VIDEO_ID)]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual(['private', 'ok']);
  });
});

describe('every way a collection fails is classified', () => {
  it.each([
    ['private-video', 'private'],
    ['deleted-video', 'not_found'],
    ['missing-video', 'not_found'],
    ['blocked-video', 'blocked'],
    ['challenge', 'blocked'],
  ] as const)('the %s page is %s', async (fixture, kind) => {
    const { collector } = await setup(atVideoUrl(fakeReply.html(loadFixture(fixture))));
    expect(failureOf(await collectOne(collector)).kind).toBe(kind);
  });

  it('a deleted video is reported as deleted', async () => {
    const { collector } = await setup(atVideoUrl(fakeReply.html(loadFixture('deleted-video'))));
    expect(failureOf(await collectOne(collector)).deleted).toBe(true);
  });

  it('a redirect to the login wall is a rate limit', async () => {
    const { collector } = await setup((req) =>
      req.url.pathname === VIDEO_PATH
        ? fakeReply.redirect(`${TIKTOK}/login?redirect_url=${encodeURIComponent(FIXTURE_VIDEO_URL)}`)
        : fakeReply.html(loadFixture('login-wall')),
    );
    expect(failureOf(await collectOne(collector)).kind).toBe('rate_limited');
  });

  it('HTTP 429 is a rate limit carrying the Retry-After in milliseconds', async () => {
    const { collector } = await setup(() => fakeReply.tooManyRequests(120));
    expect(failureOf(await collectOne(collector))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 120_000,
    });
  });

  it('a Retry-After given as a date is measured from now', async () => {
    const { collector } = await setup(() => ({
      ...fakeReply.tooManyRequests(),
      headers: { 'retry-after': 'Mon, 29 Jan 2024 10:05:00 GMT' },
    }));
    expect(failureOf(await collectOne(collector)).retryAfterMs).toBe(300_000);
  });

  it.each([
    [503, 'transient'],
    [500, 'transient'],
    [404, 'not_found'],
    [403, 'blocked'],
  ])('HTTP %i is %s', async (status, kind) => {
    const { collector } = await setup(() => fakeReply.html('<html>error</html>', status));
    expect(failureOf(await collectOne(collector)).kind).toBe(kind);
  });

  it('a response slower than the timeout is transient', async () => {
    const { collector } = await setup(
      () => fakeReply.slow(10_000, fakeReply.html(loadFixture('video-page'))),
      {
        timeoutMs: 200,
      },
    );
    const started = Date.now();
    expect(failureOf(await collectOne(collector)).kind).toBe('transient');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a body cut off mid-page is transient', async () => {
    const page = loadFixture('video-page');
    const { collector } = await setup(() => fakeReply.truncated(page, Math.floor(page.length / 2)));
    expect(failureOf(await collectOne(collector)).kind).toBe('transient');
  });

  it('a garbage body is a format change', async () => {
    const { collector } = await setup(() => fakeReply.garbage(20_000));
    expect(failureOf(await collectOne(collector)).kind).toBe('format_changed');
  });

  it('a huge body is refused at the cap and is a format change', async () => {
    const { collector } = await setup(() => fakeReply.huge(64 * 1024 * 1024), { maxBodyBytes: 1024 * 1024 });
    expect(failureOf(await collectOne(collector)).kind).toBe('format_changed');
  });

  it('a redirect off TikTok is blocked and the other host is never contacted', async () => {
    const { foreign, collector } = await setup(() => fakeReply.redirect(`${FOREIGN}/verify`));
    expect(failureOf(await collectOne(collector)).kind).toBe('blocked');
    expect(foreign.requests).toHaveLength(0);
  });

  it('a redirect to a region interstitial is blocked', async () => {
    const { collector } = await setup((req) =>
      req.url.pathname === VIDEO_PATH
        ? fakeReply.redirect(`${TIKTOK}/us/about`)
        : fakeReply.html('<html>about</html>'),
    );
    expect(failureOf(await collectOne(collector)).kind).toBe('blocked');
  });

  it('a redirect loop is blocked', async () => {
    let n = 0;
    const { tiktok, collector } = await setup(() => fakeReply.redirect(`${TIKTOK}${VIDEO_PATH}?loop=${++n}`));
    expect(failureOf(await collectOne(collector)).kind).toBe('blocked');
    expect(tiktok.requests.length).toBeLessThanOrEqual(6);
  });

  it('an aborted collection is transient', async () => {
    const { collector } = await setup(() => fakeReply.slow(10_000));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const [result] = await collector.collect([tiktokRef(FIXTURE_VIDEO_ID)], controller.signal);
    expect(result && failureOf(result).kind).toBe('transient');
  });
});
