// Short links resolved through the real HTTP client against the fake platform, hop by hop.
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeHandler,
  type FakePlatform,
  fakeReply,
  startFakePlatform,
} from '../../../test/fake-platform/server.ts';
import { createHttpClient } from '../../http/client.ts';
import type { Collector } from '../types.ts';
import { createTikTokCollector } from './collector.ts';
import { FIXTURE_VIDEO_ID, FIXTURE_VIDEO_URL, loadFixture } from './fixture-pages.ts';
import { tiktokRef } from './url.ts';

const TIKTOK_ORIGINS = [
  'https://www.tiktok.com',
  'https://m.tiktok.com',
  'https://vm.tiktok.com',
  'https://vt.tiktok.com',
];
const FOREIGN = 'https://phish.example';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  handler: FakeHandler,
): Promise<{ tiktok: FakePlatform; foreign: FakePlatform; collector: Collector }> {
  const tiktok = await startFakePlatform(handler);
  const foreign = await startFakePlatform(() => fakeReply.redirect(FIXTURE_VIDEO_URL));
  const http = createHttpClient({
    upstreams: { ...tiktok.upstreams(TIKTOK_ORIGINS), ...foreign.upstreams([FOREIGN]) },
  });
  cleanups.push(
    () => tiktok.close(),
    () => foreign.close(),
    () => http.close(),
  );
  return { tiktok, foreign, collector: createTikTokCollector({ http }) };
}

async function resolve(collector: Collector, shortUrl: string) {
  if (!collector.resolveShortLink) throw new Error('the TikTok collector resolves short links');
  return collector.resolveShortLink(shortUrl);
}

describe('resolving TikTok short links', () => {
  it('follows vm.tiktok.com to the video without downloading the video page', async () => {
    const { tiktok, collector } = await setup((req) =>
      req.url.host === 'vm.tiktok.com'
        ? fakeReply.redirect(`${FIXTURE_VIDEO_URL}?_t=8kLmN0pQrSt&_r=1`, 301)
        : fakeReply.html(loadFixture('video-page')),
    );
    expect(await resolve(collector, 'https://vm.tiktok.com/ZMabc123/')).toEqual({
      ok: true,
      value: tiktokRef(FIXTURE_VIDEO_ID),
    });
    expect(tiktok.requests.map((r) => r.url.href)).toEqual(['https://vm.tiktok.com/ZMabc123/']);
  });

  it('follows vt.tiktok.com to a mobile /v/ID.html address', async () => {
    const { collector } = await setup(() =>
      fakeReply.redirect(`https://m.tiktok.com/v/${FIXTURE_VIDEO_ID}.html?u_code=x`),
    );
    expect(await resolve(collector, 'https://vt.tiktok.com/ZSxyz789/')).toEqual({
      ok: true,
      value: tiktokRef(FIXTURE_VIDEO_ID),
    });
  });

  it('follows /t/CODE through several TikTok hops, relative ones included', async () => {
    const { tiktok, collector } = await setup((req) => {
      if (req.url.pathname === '/t/ZTRabc12/') return fakeReply.redirect('https://vm.tiktok.com/ZMabc123/');
      if (req.url.host === 'vm.tiktok.com') return fakeReply.redirect('https://www.tiktok.com/share/hop?x=1');
      return fakeReply.redirect(`/@marisol.bakes/video/${FIXTURE_VIDEO_ID}`);
    });
    expect(await resolve(collector, 'https://www.tiktok.com/t/ZTRabc12/')).toEqual({
      ok: true,
      value: tiktokRef(FIXTURE_VIDEO_ID),
    });
    expect(tiktok.requests).toHaveLength(3);
  });

  it('refuses a short link that redirects off TikTok as blocked, and never contacts that host', async () => {
    const { foreign, collector } = await setup(() => fakeReply.redirect(`${FOREIGN}/win-a-prize`));
    const result = await resolve(collector, 'https://vm.tiktok.com/ZMabc123/');
    // Not not_found: TikTok did not say the video is missing, so the track answers 500, not a cached 404.
    expect(result.ok ? 'ok' : result.error.kind).toBe('blocked');
    expect(foreign.requests).toHaveLength(0);
  });

  it('gives up on endless redirects after five hops', async () => {
    let n = 0;
    const { tiktok, collector } = await setup(() =>
      fakeReply.redirect(`https://vm.tiktok.com/ZMloop${++n}/`),
    );
    const result = await resolve(collector, 'https://vm.tiktok.com/ZMabc123/');
    expect(result.ok ? 'ok' : result.error.kind).toBe('blocked');
    expect(tiktok.requests).toHaveLength(5);
  });

  it('a dead code that lands on a page is not found', async () => {
    const { collector } = await setup((req) =>
      req.url.host === 'vm.tiktok.com'
        ? fakeReply.redirect('https://www.tiktok.com/')
        : fakeReply.html('<html>home</html>'),
    );
    const result = await resolve(collector, 'https://vm.tiktok.com/ZMdead00/');
    expect(result.ok ? 'ok' : result.error.kind).toBe('not_found');
  });

  it('a 429 on the way is a rate limit', async () => {
    const { collector } = await setup(() => fakeReply.tooManyRequests(30));
    const result = await resolve(collector, 'https://vm.tiktok.com/ZMabc123/');
    expect(result.ok ? undefined : result.error).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 30_000,
    });
  });

  it('a redirect to the login wall is a rate limit', async () => {
    const { collector } = await setup(() =>
      fakeReply.redirect('https://www.tiktok.com/login?redirect_url=x'),
    );
    const result = await resolve(collector, 'https://vm.tiktok.com/ZMabc123/');
    expect(result.ok ? 'ok' : result.error.kind).toBe('rate_limited');
  });

  it('a link that is not a TikTok short link is refused without a request', async () => {
    const { tiktok, collector } = await setup(() => fakeReply.html('x'));
    const result = await resolve(collector, 'https://youtu.be/dQw4w9WgXcQ');
    expect(result.ok ? 'ok' : result.error.kind).toBe('not_found');
    expect(tiktok.requests).toHaveLength(0);
  });
});
