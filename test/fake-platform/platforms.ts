// A realistic fake TikTok, YouTube, Instagram and X in one helper: one fake platform server that answers for
// every platform origin the production collectors call, and tells apart the sources they read by (real
// host, method, path, GraphQL query), so a test says what each source answers right now and nothing else.
// Point the real outbound client at it (CONTENTSTATS_UPSTREAMS) and the code under test is the production
// code, URL rewriting, redirects and host allow-list included.
//
//   const platforms = await startFakePlatforms();
//   const http = createHttpClient({ upstreams: platforms.upstreams });
//   platforms.serve({ 'tiktok-page': htmlFile('tiktok', 'video-page.html') });
//   …
//   await platforms.close();
//
// Ready-made answers per platform (healthy, private, blocked, rate limited…) are in scenarios.ts.

import { INSTAGRAM_HOSTS } from '../../src/platforms/instagram/collector.ts';
import { CURRENT_POST_QUERY, LEGACY_POST_QUERY } from '../../src/platforms/instagram/graphql.ts';
import { TIKTOK_HOSTS } from '../../src/platforms/tiktok/hosts.ts';
import { TWITTER_HOSTS } from '../../src/platforms/twitter/hosts.ts';
import { DATA_API_HOSTS } from '../../src/platforms/youtube/collector.ts';
import { YOUTUBE_WEB_HOSTS } from '../../src/platforms/youtube/watch-page-source.ts';
import {
  type FakeHandler,
  type FakeReply,
  type FakeRequest,
  fakeReply,
  startFakePlatform,
} from './server.ts';

/** The sources the collectors read, as the fake tells them apart. */
export type PlatformRoute =
  | 'tiktok-page'
  | 'tiktok-short-link'
  | 'youtube-watch'
  | 'youtube-data-api'
  | 'instagram-graphql'
  | 'instagram-graphql-legacy'
  | 'instagram-page'
  | 'x-guest-activate'
  | 'x-graphql'
  | 'x-syndication'
  | 'x-api-v2'
  | 'x-web-app'
  | 'x-web-bundle';

/**
 * What each source answers right now; a source not listed answers 404. An answer may depend on the request
 * (a handler), e.g. GraphQL answering only under the operation id of the web app deployed now.
 */
export type PlatformRoutes = Partial<Record<PlatformRoute, FakeReply | FakeHandler>>;

/** Every origin the production collectors may contact (their host allow-lists). */
export const PLATFORM_ORIGINS: readonly string[] = [
  ...TIKTOK_HOSTS,
  ...YOUTUBE_WEB_HOSTS,
  ...DATA_API_HOSTS,
  ...INSTAGRAM_HOSTS,
  ...TWITTER_HOSTS,
].map((host) => `https://${host}`);
/** Hosts a hostile answer points at. Sent to the fake as well, so a request that escaped would be logged. */
export const FOREIGN_ORIGINS: readonly string[] = [
  'https://phish.example',
  'https://consent.youtube.com',
  'https://accounts.google.com',
  'https://www.facebook.com',
];
const platformOrigins = new Set(PLATFORM_ORIGINS);

/** Whether a request the fake received was meant for one of the platforms' allow-listed origins. */
export const isPlatformOrigin = (upstream: string | null): boolean => platformOrigins.has(upstream ?? '');

/** The source a request is for, or null when no collector should ever ask that. */
export function routeOf(request: FakeRequest): PlatformRoute | null {
  const { host, pathname } = request.url;
  switch (host) {
    case 'vm.tiktok.com':
    case 'vt.tiktok.com':
      return 'tiktok-short-link';
    case 'www.tiktok.com':
      if (/^\/@[^/]+\/video\/\d+$/.test(pathname)) return 'tiktok-page';
      return pathname.startsWith('/t/') ? 'tiktok-short-link' : null;
    case 'www.youtube.com':
      return pathname === '/watch' ? 'youtube-watch' : null;
    case 'www.googleapis.com':
      return pathname === '/youtube/v3/videos' ? 'youtube-data-api' : null;
    case 'www.instagram.com': {
      if (request.method === 'GET' && /^\/(p|reel)\/[^/]+\/$/.test(pathname)) return 'instagram-page';
      if (request.method !== 'POST' || pathname !== '/graphql/query') return null;
      const docId = new URLSearchParams(request.body).get('doc_id');
      if (docId === CURRENT_POST_QUERY.docId) return 'instagram-graphql';
      return docId === LEGACY_POST_QUERY.docId ? 'instagram-graphql-legacy' : null;
    }
    case 'api.x.com':
      if (request.method === 'POST' && pathname === '/1.1/guest/activate.json') return 'x-guest-activate';
      if (/^\/graphql\/[^/]+\/TweetResultByRestId$/.test(pathname)) return 'x-graphql';
      return pathname === '/2/tweets' ? 'x-api-v2' : null;
    case 'cdn.syndication.twimg.com':
      return pathname === '/tweet-result' ? 'x-syndication' : null;
    // Discovery of GraphQL operation ids: x.com's page, then the main bundle it names.
    case 'x.com':
      return pathname === '/' ? 'x-web-app' : null;
    case 'abs.twimg.com':
      return /^\/responsive-web\/client-web\/main\.[0-9a-f]+\.js$/.test(pathname) ? 'x-web-bundle' : null;
    default:
      return null;
  }
}

export interface FakePlatforms {
  /** A CONTENTSTATS_UPSTREAMS map sending every platform origin, and every foreign origin, to this fake. */
  upstreams: Record<string, string>;
  /** Every request received, in order (in real-platform terms: `request.url`, `request.upstream`). */
  requests: FakeRequest[];
  /** From now on each source answers as `routes` says (replacing what it answered before). */
  serve(routes: PlatformRoutes): void;
  /** The requests received for one source. */
  requestsTo(route: PlatformRoute): FakeRequest[];
  /** Answer nothing (404 everywhere) and forget the requests received: a clean start for the next test. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakePlatforms(routes: PlatformRoutes = {}): Promise<FakePlatforms> {
  let current = routes;
  const fake = await startFakePlatform((request) => {
    const route = routeOf(request);
    const answer = route && current[route];
    if (typeof answer === 'function') return answer(request);
    return answer ?? fakeReply.notFound('no such route on the fake platform');
  });
  return {
    upstreams: fake.upstreams([...PLATFORM_ORIGINS, ...FOREIGN_ORIGINS]),
    requests: fake.requests,
    serve: (next) => {
      current = next;
    },
    requestsTo: (route) => fake.requests.filter((request) => routeOf(request) === route),
    reset: () => {
      current = {};
      fake.requests.length = 0;
    },
    close: () => fake.close(),
  };
}
