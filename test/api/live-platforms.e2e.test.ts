// Live keys end to end, per platform: the HTTP API, the real snapshot engine and the production collectors
// (`createLiveCollectors` over `createHttpClient` with CONTENTSTATS_UPSTREAMS) against ONE local fake
// platform serving each platform's committed fixtures. The fake routes by the real origin the client names
// in X-Contentstats-Upstream plus the path, so the code under test is the code that runs in production.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snapshotSchema, videoDetailSchema } from '../../src/api/contract/components.ts';
import { TestClock } from '../../src/clock.ts';
import type { LiveCollectors } from '../../src/compose.ts';
import { type Config, testConfig } from '../../src/config.ts';
import { type ClosableHttpClient, createHttpClient } from '../../src/http/client.ts';
import { INSTAGRAM_HOSTS } from '../../src/platforms/instagram/collector.ts';
import { CURRENT_POST_QUERY, LEGACY_POST_QUERY } from '../../src/platforms/instagram/graphql.ts';
import { createLiveCollectors } from '../../src/platforms/live-collectors.ts';
import { itemOf, loadFixture, statsV2Of, withVideoDetail } from '../../src/platforms/tiktok/fixture-pages.ts';
import { TIKTOK_HOSTS } from '../../src/platforms/tiktok/hosts.ts';
import { TWITTER_HOSTS } from '../../src/platforms/twitter/hosts.ts';
import type { PlatformName } from '../../src/platforms/types.ts';
import { DATA_API_HOSTS } from '../../src/platforms/youtube/collector.ts';
import { YOUTUBE_WEB_HOSTS } from '../../src/platforms/youtube/watch-page-source.ts';
import {
  type FakePlatform,
  type FakeReply,
  type FakeRequest,
  fakeReply,
  startFakePlatform,
} from '../fake-platform/server.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { freePort } from '../support/processes.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const NOT_FOUND_BODY = { error: 'Video not found or is private' };
const UNREADABLE_ERROR = 'Failed to start monitoring - invalid response from tracking API';
/** Track's 500: contentstats.io's exact `error`, and in `reason` what went wrong, per kind of failure. */
const unreadableBody = (reason: string) => ({ error: UNREADABLE_ERROR, reason });
const BLOCKED = (name: string) =>
  `${name} blocked this server's request (a bot check, a sign-in or consent page, or a refusal); try again later`;
const FORMAT_CHANGED = (name: string) =>
  `${name} answered, but the page format was not recognised (${name} may have changed it)`;
const RATE_LIMITED = (name: string) => `${name} is rate limiting this server; try again later`;
const SERVER_ERROR = (name: string) =>
  `${name} answered with an error on its side; try again in a few minutes`;

// --- the fake platform: one server, every platform origin, routed by (real host, path) ----------------------

/** The sources the collectors read, as the fake tells them apart. */
type Route =
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
  | 'x-api-v2';

/** What each source answers right now; a source not listed answers 404. */
type Routes = Partial<Record<Route, FakeReply>>;

const PLATFORM_ORIGINS = [
  ...TIKTOK_HOSTS,
  ...YOUTUBE_WEB_HOSTS,
  ...DATA_API_HOSTS,
  ...INSTAGRAM_HOSTS,
  ...TWITTER_HOSTS,
].map((host) => `https://${host}`);
/** Hosts a hostile answer points at. Sent to the fake as well, so a request that escaped would be logged. */
const FOREIGN_ORIGINS = [
  'https://phish.example',
  'https://consent.youtube.com',
  'https://accounts.google.com',
  'https://www.facebook.com',
];
const ALLOWED_ORIGINS = new Set(PLATFORM_ORIGINS);

function routeOf(request: FakeRequest): Route | null {
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
    default:
      return null;
  }
}

// --- fixtures, and variants of them with other counts ---------------------------------------------------------

const fixtureCache = new Map<string, string>();
/** A committed fixture of a platform, read once. */
function fixtureFile(platform: PlatformName, name: string): string {
  const path = `../../src/platforms/${platform}/fixtures/${name}`;
  let text = fixtureCache.get(path);
  if (text === undefined) {
    text = readFileSync(new URL(path, import.meta.url), 'utf8');
    fixtureCache.set(path, text);
  }
  return text;
}

const htmlFile = (platform: PlatformName, name: string, status = 200): FakeReply =>
  fakeReply.html(fixtureFile(platform, name), status);
const jsonBody = (body: string, status = 200): FakeReply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body,
});
const jsonFile = (platform: PlatformName, name: string, status = 200): FakeReply =>
  jsonBody(fixtureFile(platform, name), status);

type JsonObject = Record<string, unknown>;

/** The object at `path` inside parsed JSON; throws when the fixture does not have that shape. */
function objectAt(root: unknown, ...path: Array<string | number>): JsonObject {
  let node: unknown = root;
  for (const step of path) {
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string | number, unknown>)[step]
        : undefined;
  }
  if (typeof node !== 'object' || node === null)
    throw new Error(`fixture has no object at ${path.join('.')}`);
  return node as JsonObject;
}

/** A copy of a JSON fixture changed by `edit`. */
function editedJson(text: string, edit: (root: unknown) => void): string {
  const root: unknown = JSON.parse(text);
  edit(root);
  return JSON.stringify(root);
}

/** A copy of a page with each count replaced wherever it stands as a whole number. */
function withCountsReplaced(page: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  let out = page;
  for (const [from, to] of replacements) {
    // Not part of a longer number: no digit, and no digit group ("1,234" of "1,234,567"), either side.
    const pattern = new RegExp(`(?<!\\d|\\d[.,])${from.replace(/[.,]/g, '\\$&')}(?!\\d|[.,]\\d)`, 'g');
    if (!pattern.test(out)) throw new Error(`the page does not show ${from}`);
    out = out.replace(pattern, to);
  }
  return out;
}

interface Counts {
  views: string | null;
  likes: string | null;
  comments: string | null;
  shares: string | null;
  saves: string | null;
}

// TikTok: the video page's rehydration JSON.
const TIKTOK_ID = '7401234567890123456';
const TIKTOK_LATER: Counts = {
  // Beyond 2^53: statsV2 carries it exactly, and it must come out of the API exactly.
  views: '9007199254740993',
  likes: '1843590',
  comments: '12901',
  shares: '40200',
  saves: '210611',
};
const tiktokPageLater = () =>
  withVideoDetail(loadFixture('video-page'), (detail) => {
    Object.assign(statsV2Of(detail), {
      playCount: TIKTOK_LATER.views,
      diggCount: TIKTOK_LATER.likes,
      commentCount: TIKTOK_LATER.comments,
      shareCount: TIKTOK_LATER.shares,
      collectCount: TIKTOK_LATER.saves,
    });
    // The rounded numeric block moves too (and cannot hold the view count exactly — why statsV2 wins).
    Object.assign(objectAt(itemOf(detail), 'stats'), {
      playCount: Number(TIKTOK_LATER.views),
      diggCount: 1843600,
      commentCount: 12901,
      shareCount: 40200,
      collectCount: 210600,
    });
  });

// YouTube: the watch page, and the Data API's videos.list.
const YOUTUBE_ID = 'Xr4bK2m9QpA';
const YOUTUBE_LATER: Counts = {
  views: '48299120',
  likes: '1240019',
  comments: '20517',
  shares: null,
  saves: null,
};
const watchPageLater = () =>
  withCountsReplaced(fixtureFile('youtube', 'watch-public.html'), [
    ['48213997', '48299120'],
    ['48,213,997', '48,299,120'],
    ['1234567', '1240019'],
    ['1,234,567', '1,240,019'],
    ['20,482', '20,517'],
  ]);
const dataApiLater = () =>
  editedJson(fixtureFile('youtube', 'data-api-videos.json'), (root) => {
    Object.assign(objectAt(root, 'items', 0, 'statistics'), {
      viewCount: '48299120',
      likeCount: '1240019',
      commentCount: '20517',
    });
  });

// Instagram: the current GraphQL query, and the post page.
const INSTAGRAM_CODE = 'C3wq-PRO_fT';
const INSTAGRAM_LATER: Counts = {
  views: '2420116',
  likes: '183377',
  comments: '4830',
  shares: null,
  saves: null,
};
const instagramGraphqlLater = () =>
  editedJson(fixtureFile('instagram', 'graphql-web-info-reel.json'), (root) => {
    Object.assign(objectAt(root, 'data', 'xdt_api__v1__media__shortcode__web_info', 'items', 0), {
      play_count: 2420116,
      like_count: 183377,
      comment_count: 4830,
    });
  });
const instagramPageLater = () =>
  withCountsReplaced(fixtureFile('instagram', 'post-page-reel.html'), [
    ['2418377', '2420116'],
    ['183204', '183377'],
    ['4821', '4830'],
    ['4,821', '4,830'],
  ]);

// X: the guest GraphQL answer, and API v2.
const X_ID = '1812345678901234567';
const X_PROTECTED_ID = '1811111111111111111';
const X_MISSING_ID = '1800000000000000001';
const X_LATER: Counts = {
  views: '1901442',
  likes: '49002',
  comments: '1360',
  shares: '10010', // retweets 9301 + quotes 709
  saves: '2399',
};
const xGraphqlLater = () =>
  editedJson(fixtureFile('twitter', 'graphql-video-tweet.json'), (root) => {
    const result = objectAt(root, 'data', 'tweetResult', 'result');
    Object.assign(objectAt(result, 'views'), { count: '1901442' });
    Object.assign(objectAt(result, 'legacy'), {
      favorite_count: 49002,
      reply_count: 1360,
      retweet_count: 9301,
      quote_count: 709,
      bookmark_count: 2399,
    });
  });
const xApiV2Later = () =>
  editedJson(fixtureFile('twitter', 'api-v2-batch.json'), (root) => {
    Object.assign(objectAt(root, 'data', 0, 'public_metrics'), {
      impression_count: 1901442,
      like_count: 49002,
      reply_count: 1360,
      retweet_count: 9301,
      quote_count: 709,
      bookmark_count: 2399,
    });
  });
/** API v2's batch answer, with the tracked post moved among its "not authorized" errors. */
const xApiV2Protected = () =>
  editedJson(fixtureFile('twitter', 'api-v2-batch.json'), (root) => {
    const data = objectAt(root, 'data') as unknown as unknown[];
    data.splice(0, 1);
    const error = objectAt(root, 'errors', 1);
    Object.assign(error, {
      value: X_ID,
      resource_id: X_ID,
      detail: String(error['detail']).replace(X_PROTECTED_ID, X_ID),
    });
  });
const xApiV2Missing = () => fixtureFile('twitter', 'api-v2-all-missing.json').replaceAll(X_MISSING_ID, X_ID);

// --- the platforms, each source variant a row -------------------------------------------------------------------

interface TrackingEnd {
  name: string;
  routes: Routes;
  isDeleted: boolean;
  reason: string;
}

interface Variant {
  name: string;
  platform: PlatformName;
  /** Credentials that pick the token path; none picks the public web path. */
  config: Partial<Config>;
  link: string;
  canonicalUrl: string;
  provider: string;
  metadata: { title: string | null; creator: string | null; description: string | null };
  first: { routes: Routes; counts: Counts };
  later: { routes: () => Routes; counts: Counts };
  /** The platform says the video is missing or private at track time: 404, nothing stored. */
  unavailable: Array<[string, Routes]>;
  /** The platform cannot be read at track time: 500 with this reason, nothing stored or charged. */
  unreadable: Array<[string, Routes, string]>;
  /** After tracking, the platform says private / deleted: the tracking ends in error. */
  ends: TrackingEnd[];
  /**
   * After tracking, the platform throttles or fails: retried, then the slot is missed. The number is the
   * Retry-After (seconds) the platform asked for and the first retry must respect; null: backoff only.
   */
  troubles: Array<[string, Routes, number | null]>;
}

const TIKTOK: Variant = {
  name: 'TikTok (web page)',
  platform: 'tiktok',
  config: {},
  link: `https://www.tiktok.com/@marisol.bakes/video/${TIKTOK_ID}`,
  canonicalUrl: `https://www.tiktok.com/@_/video/${TIKTOK_ID}`,
  provider: 'tiktok-web',
  metadata: {
    title: 'Brown butter miso cookies that stay soft for days 🍪✨',
    creator: 'marisol.bakes',
    description:
      'Brown butter miso cookies that stay soft for days 🍪✨\nRecipe in the comments! #baking #cookies #fyp #recipe',
  },
  first: {
    routes: { 'tiktok-page': fakeReply.html(loadFixture('video-page')) },
    counts: { views: '21984337', likes: '1843022', comments: '12874', shares: '40117', saves: '210455' },
  },
  later: { routes: () => ({ 'tiktok-page': fakeReply.html(tiktokPageLater()) }), counts: TIKTOK_LATER },
  unavailable: [
    ['a private video', { 'tiktok-page': fakeReply.html(loadFixture('private-video')) }],
    ['a missing video', { 'tiktok-page': fakeReply.html(loadFixture('missing-video')) }],
  ],
  unreadable: [
    [
      'the JavaScript challenge page',
      { 'tiktok-page': fakeReply.html(loadFixture('challenge')) },
      BLOCKED('TikTok'),
    ],
    [
      'an IP-blocked video (10204)',
      { 'tiktok-page': fakeReply.html(loadFixture('blocked-video')) },
      BLOCKED('TikTok'),
    ],
    ['a garbage body', { 'tiktok-page': fakeReply.garbage(20_000) }, FORMAT_CHANGED('TikTok')],
    [
      'HTTP 429 with Retry-After',
      { 'tiktok-page': fakeReply.tooManyRequests(120) },
      'TikTok is rate limiting this server; try again in 120 seconds',
    ],
    ['HTTP 503', { 'tiktok-page': fakeReply.serverError(503) }, SERVER_ERROR('TikTok')],
    [
      'a connection dropped in the middle of the page',
      { 'tiktok-page': fakeReply.truncated(loadFixture('video-page'), 4096) },
      'TikTok could not be reached (network error connecting to www.tiktok.com)',
    ],
  ],
  ends: [
    {
      name: 'private',
      routes: { 'tiktok-page': fakeReply.html(loadFixture('private-video')) },
      isDeleted: false,
      reason: 'Video is private',
    },
    {
      name: 'deleted',
      routes: { 'tiktok-page': fakeReply.html(loadFixture('deleted-video')) },
      isDeleted: true,
      reason: 'Video was deleted',
    },
  ],
  troubles: [
    ['HTTP 429 with Retry-After', { 'tiktok-page': fakeReply.tooManyRequests(120) }, 120],
    ['HTTP 503', { 'tiktok-page': fakeReply.serverError(503) }, null],
  ],
};

const YOUTUBE_METADATA = { title: 'I built a boat in 10 days (and it floats)', creator: 'River Workshop' };
const YOUTUBE_FIRST_COUNTS: Counts = {
  views: '48213997',
  likes: '1234567',
  comments: '20482',
  shares: null,
  saves: null,
};
const consentRedirect = fakeReply.redirect(
  `https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D${YOUTUBE_ID}&gl=DE`,
);

const YOUTUBE_DATA_API: Variant = {
  name: 'YouTube (Data API, YOUTUBE_API_KEY set)',
  platform: 'youtube',
  config: { youtubeApiKey: 'AIzaSy-e2e-test-key' },
  link: `https://youtu.be/${YOUTUBE_ID}`,
  canonicalUrl: `https://www.youtube.com/watch?v=${YOUTUBE_ID}`,
  provider: 'youtube-data-api',
  metadata: {
    ...YOUTUBE_METADATA,
    description:
      'Ten days, one river, and a boat made from a single sheet of plywood.\n\nChapters:\n0:00 Intro\n1:12 Cutting the panels',
  },
  first: {
    routes: { 'youtube-data-api': jsonFile('youtube', 'data-api-videos.json') },
    counts: YOUTUBE_FIRST_COUNTS,
  },
  later: { routes: () => ({ 'youtube-data-api': jsonBody(dataApiLater()) }), counts: YOUTUBE_LATER },
  // The Data API leaves private, deleted and never-existing videos out of `items` alike.
  unavailable: [
    ['a video absent from videos.list', { 'youtube-data-api': jsonFile('youtube', 'data-api-empty.json') }],
  ],
  unreadable: [
    [
      'quota exceeded, then the bot check on the watch page',
      {
        'youtube-data-api': jsonFile('youtube', 'data-api-quota-exceeded.json', 403),
        'youtube-watch': htmlFile('youtube', 'watch-bot-check.html'),
      },
      BLOCKED('YouTube'),
    ],
    [
      'a refused key, then the consent wall',
      {
        'youtube-data-api': jsonFile('youtube', 'data-api-key-invalid.json', 400),
        'youtube-watch': consentRedirect,
      },
      BLOCKED('YouTube'),
    ],
    [
      'garbage from both',
      { 'youtube-data-api': fakeReply.garbage(), 'youtube-watch': fakeReply.garbage() },
      FORMAT_CHANGED('YouTube'),
    ],
  ],
  ends: [
    {
      // Without telling why: the Data API cannot say deleted, so the video is not marked deleted.
      name: 'absent from videos.list',
      routes: { 'youtube-data-api': jsonFile('youtube', 'data-api-empty.json') },
      isDeleted: false,
      reason: 'Video not found',
    },
  ],
  troubles: [
    [
      'a rate-limited API and HTTP 429 on the watch page',
      {
        'youtube-data-api': jsonFile('youtube', 'data-api-rate-limit-exceeded.json', 403),
        'youtube-watch': fakeReply.tooManyRequests(300),
      },
      300,
    ],
    [
      'HTTP 503 from both',
      {
        'youtube-data-api': jsonFile('youtube', 'data-api-backend-error.json', 503),
        'youtube-watch': fakeReply.serverError(503),
      },
      null,
    ],
  ],
};

const YOUTUBE_WEB: Variant = {
  name: 'YouTube (watch page, no key)',
  platform: 'youtube',
  config: {},
  link: `https://www.youtube.com/watch?v=${YOUTUBE_ID}`,
  canonicalUrl: `https://www.youtube.com/watch?v=${YOUTUBE_ID}`,
  provider: 'youtube-web',
  metadata: {
    ...YOUTUBE_METADATA,
    description:
      'Ten days, one river, and a boat made from a single sheet of plywood.\n\nChapters:\n0:00 Intro\n' +
      '1:12 Cutting the panels\n2:40 "Stitch and glue" {the fast way}\n\n' +
      'Tools I used: https://example.com/tools?ref=yt&lang=en\n' +
      '<script>alert("not code")</script> — quotes " and backslashes \\ are escaped in the page.',
  },
  first: {
    routes: { 'youtube-watch': htmlFile('youtube', 'watch-public.html') },
    counts: YOUTUBE_FIRST_COUNTS,
  },
  later: { routes: () => ({ 'youtube-watch': fakeReply.html(watchPageLater()) }), counts: YOUTUBE_LATER },
  unavailable: [
    ['a private video', { 'youtube-watch': htmlFile('youtube', 'watch-private.html') }],
    ['an unavailable video', { 'youtube-watch': htmlFile('youtube', 'watch-unavailable.html') }],
  ],
  unreadable: [
    [
      'the "not a bot" check',
      { 'youtube-watch': htmlFile('youtube', 'watch-bot-check.html') },
      BLOCKED('YouTube'),
    ],
    ['a redirect to the consent wall', { 'youtube-watch': consentRedirect }, BLOCKED('YouTube')],
    [
      'the consent page in German, served in place of the watch page',
      { 'youtube-watch': htmlFile('youtube', 'consent-interstitial-de.html') },
      BLOCKED('YouTube'),
    ],
    ['a garbage body', { 'youtube-watch': fakeReply.garbage() }, FORMAT_CHANGED('YouTube')],
  ],
  ends: [
    {
      name: 'private',
      routes: { 'youtube-watch': htmlFile('youtube', 'watch-private.html') },
      isDeleted: false,
      reason: 'Video is private',
    },
    {
      name: 'removed by the uploader',
      routes: { 'youtube-watch': htmlFile('youtube', 'watch-removed-by-uploader.html') },
      isDeleted: true,
      reason: 'Video was deleted',
    },
  ],
  troubles: [
    ['HTTP 429 with Retry-After', { 'youtube-watch': fakeReply.tooManyRequests(300) }, 300],
    ['HTTP 503', { 'youtube-watch': fakeReply.serverError(503) }, null],
  ],
};

const INSTAGRAM_METADATA = {
  title: null,
  creator: 'riverworkshop',
  description:
    'Launch day 🚣 ten days of building, one sheet of plywood.\n#boatbuilding #diy "stitch and glue" {fast}',
};
const instagramLoginRedirect = fakeReply.redirect(
  `https://www.instagram.com/accounts/login/?next=%2Fp%2F${INSTAGRAM_CODE}%2F`,
);
const instagramNotFound: Routes = {
  'instagram-graphql': jsonFile('instagram', 'graphql-web-info-null.json'),
  'instagram-graphql-legacy': jsonFile('instagram', 'graphql-shortcode-media-null.json'),
  'instagram-page': htmlFile('instagram', 'post-page-not-found.html', 404),
};
const instagramRetiredQueries: Routes = {
  'instagram-graphql': jsonFile('instagram', 'graphql-retired-doc-id.json'),
  'instagram-graphql-legacy': jsonFile('instagram', 'graphql-retired-doc-id.json'),
};
const instagramTroubles: Array<[string, Routes, number | null]> = [
  ['HTTP 429 with Retry-After', { 'instagram-graphql': fakeReply.tooManyRequests(600) }, 600],
  [
    'HTTP 502 from every source',
    {
      'instagram-graphql': fakeReply.serverError(502),
      'instagram-graphql-legacy': fakeReply.serverError(502),
      'instagram-page': fakeReply.serverError(502),
    },
    null,
  ],
];
const instagramUnreadable: Array<[string, Routes, string]> = [
  [
    'a checkpoint everywhere',
    {
      'instagram-graphql': jsonFile('instagram', 'graphql-checkpoint-required.json', 400),
      'instagram-graphql-legacy': jsonFile('instagram', 'graphql-checkpoint-required.json', 400),
      'instagram-page': fakeReply.html('', 403),
    },
    BLOCKED('Instagram'),
  ],
  [
    'the login wall everywhere',
    {
      'instagram-graphql': jsonFile('instagram', 'graphql-require-login.json', 401),
      'instagram-graphql-legacy': instagramLoginRedirect,
      'instagram-page': instagramLoginRedirect,
    },
    // Instagram shows logged-out visitors its login wall once an address has asked too often.
    RATE_LIMITED('Instagram'),
  ],
  [
    'garbage everywhere',
    {
      'instagram-graphql': fakeReply.garbage(),
      'instagram-graphql-legacy': fakeReply.garbage(),
      'instagram-page': fakeReply.garbage(),
    },
    FORMAT_CHANGED('Instagram'),
  ],
];

const INSTAGRAM_GRAPHQL: Variant = {
  name: 'Instagram (GraphQL)',
  platform: 'instagram',
  config: {},
  link: `https://www.instagram.com/riverworkshop/reel/${INSTAGRAM_CODE}/`,
  canonicalUrl: `https://www.instagram.com/p/${INSTAGRAM_CODE}/`,
  provider: 'instagram-graphql',
  metadata: INSTAGRAM_METADATA,
  first: {
    routes: { 'instagram-graphql': jsonFile('instagram', 'graphql-web-info-reel.json') },
    counts: { views: '2418377', likes: '183204', comments: '4821', shares: null, saves: null },
  },
  later: {
    routes: () => ({ 'instagram-graphql': jsonBody(instagramGraphqlLater()) }),
    counts: INSTAGRAM_LATER,
  },
  unavailable: [
    [
      'a post of a private account',
      { 'instagram-graphql': jsonFile('instagram', 'graphql-web-info-private-account.json') },
    ],
    ['a post that does not exist', instagramNotFound],
  ],
  unreadable: instagramUnreadable,
  ends: [
    {
      name: 'private',
      routes: { 'instagram-graphql': jsonFile('instagram', 'graphql-web-info-private-account.json') },
      isDeleted: false,
      reason: 'Video is private',
    },
    // Instagram never says "deleted", only that there is no such post.
    { name: 'gone', routes: instagramNotFound, isDeleted: false, reason: 'Video not found' },
  ],
  troubles: instagramTroubles,
};

const INSTAGRAM_PAGE: Variant = {
  name: 'Instagram (post page, GraphQL queries retired)',
  platform: 'instagram',
  config: {},
  link: `https://www.instagram.com/p/${INSTAGRAM_CODE}/`,
  canonicalUrl: `https://www.instagram.com/p/${INSTAGRAM_CODE}/`,
  provider: 'instagram-web',
  metadata: INSTAGRAM_METADATA,
  first: {
    routes: { ...instagramRetiredQueries, 'instagram-page': htmlFile('instagram', 'post-page-reel.html') },
    counts: { views: '2418377', likes: '183204', comments: '4821', shares: null, saves: null },
  },
  later: {
    routes: () => ({ ...instagramRetiredQueries, 'instagram-page': fakeReply.html(instagramPageLater()) }),
    counts: INSTAGRAM_LATER,
  },
  unavailable: [
    [
      'the private-account page',
      { ...instagramRetiredQueries, 'instagram-page': htmlFile('instagram', 'post-page-private.html') },
    ],
    [
      'the "page isn\'t available" page',
      {
        ...instagramRetiredQueries,
        'instagram-page': htmlFile('instagram', 'post-page-not-found.html', 404),
      },
    ],
  ],
  unreadable: instagramUnreadable,
  ends: [
    {
      name: 'private',
      routes: {
        ...instagramRetiredQueries,
        'instagram-page': htmlFile('instagram', 'post-page-private.html'),
      },
      isDeleted: false,
      reason: 'Video is private',
    },
  ],
  troubles: instagramTroubles,
};

const X_METADATA = {
  title: 'Sunrise over the Dolomites, shot at 5:12 am & not a cloud in sight 🏔️',
  creator: 'skyline_drone',
  description:
    'Sunrise over the Dolomites, shot at 5:12 am & not a cloud in sight 🏔️\nFull version on the site. #drone https://t.co/Zx9Yw8Vu7T',
};
const guestActivation: Routes = { 'x-guest-activate': jsonFile('twitter', 'guest-activate.json') };
const xLoggedOutRefused: Routes = {
  'x-guest-activate': fakeReply.json({ errors: [{ code: 200, message: 'Forbidden.' }] }, 403),
  'x-syndication': fakeReply.html('<html>Forbidden</html>', 403),
};

const X_API_V2: Variant = {
  name: 'X (API v2, X_BEARER_TOKEN set)',
  platform: 'twitter',
  config: { xBearerToken: 'e2e-test-bearer' },
  link: `https://twitter.com/skyline_drone/status/${X_ID}/video/1`,
  canonicalUrl: `https://x.com/i/status/${X_ID}`,
  provider: 'x-api-v2',
  metadata: X_METADATA,
  first: {
    routes: { 'x-api-v2': jsonFile('twitter', 'api-v2-batch.json') },
    counts: { views: '1844107', likes: '48230', comments: '1339', shares: '9813', saves: '2305' },
  },
  later: { routes: () => ({ 'x-api-v2': jsonBody(xApiV2Later()) }), counts: X_LATER },
  unavailable: [
    ['a protected post', { 'x-api-v2': jsonBody(xApiV2Protected()) }],
    ['a post that is gone', { 'x-api-v2': jsonBody(xApiV2Missing()) }],
  ],
  unreadable: [
    [
      'a refused token and a refused guest path',
      { 'x-api-v2': jsonFile('twitter', 'api-v2-client-forbidden.json', 403), ...xLoggedOutRefused },
      BLOCKED('X'),
    ],
    [
      'HTTP 429 from every source',
      {
        'x-api-v2': jsonFile('twitter', 'api-v2-rate-limited.json', 429),
        ...guestActivation,
        'x-graphql': jsonFile('twitter', 'graphql-rate-limited.json', 429),
        'x-syndication': fakeReply.tooManyRequests(),
      },
      RATE_LIMITED('X'),
    ],
    [
      'garbage from every source',
      {
        'x-api-v2': fakeReply.garbage(),
        'x-guest-activate': fakeReply.garbage(),
        'x-syndication': fakeReply.garbage(),
      },
      FORMAT_CHANGED('X'),
    ],
  ],
  ends: [
    {
      name: 'protected',
      routes: { 'x-api-v2': jsonBody(xApiV2Protected()) },
      isDeleted: false,
      reason: 'Video is private',
    },
    {
      name: 'deleted',
      routes: { 'x-api-v2': jsonBody(xApiV2Missing()) },
      isDeleted: true,
      reason: 'Video was deleted',
    },
  ],
  troubles: [
    [
      'HTTP 429 from every source',
      {
        'x-api-v2': jsonFile('twitter', 'api-v2-rate-limited.json', 429),
        ...guestActivation,
        'x-graphql': jsonFile('twitter', 'graphql-rate-limited.json', 429),
        'x-syndication': fakeReply.tooManyRequests(240),
      },
      240,
    ],
    [
      'HTTP 503 from every source',
      {
        'x-api-v2': fakeReply.serverError(503),
        ...guestActivation,
        'x-graphql': fakeReply.serverError(503),
        'x-syndication': fakeReply.serverError(503),
      },
      null,
    ],
  ],
};

const X_GRAPHQL: Variant = {
  name: 'X (guest GraphQL, no token)',
  platform: 'twitter',
  config: {},
  link: `https://x.com/skyline_drone/status/${X_ID}`,
  canonicalUrl: `https://x.com/i/status/${X_ID}`,
  provider: 'x-graphql',
  metadata: X_METADATA,
  first: {
    routes: { ...guestActivation, 'x-graphql': jsonFile('twitter', 'graphql-video-tweet.json') },
    counts: { views: '1843921', likes: '48213', comments: '1337', shares: '9808', saves: '2301' },
  },
  later: { routes: () => ({ ...guestActivation, 'x-graphql': jsonBody(xGraphqlLater()) }), counts: X_LATER },
  unavailable: [
    [
      'a protected post',
      { ...guestActivation, 'x-graphql': jsonFile('twitter', 'graphql-tombstone-protected.json') },
    ],
    [
      'a deleted post',
      { ...guestActivation, 'x-graphql': jsonFile('twitter', 'graphql-tombstone-deleted.json') },
    ],
  ],
  unreadable: [
    ['a refused guest token and syndication', xLoggedOutRefused, BLOCKED('X')],
    [
      'HTTP 429 from both sources',
      {
        ...guestActivation,
        'x-graphql': jsonFile('twitter', 'graphql-rate-limited.json', 429),
        'x-syndication': fakeReply.tooManyRequests(),
      },
      RATE_LIMITED('X'),
    ],
    [
      'garbage from both sources',
      { ...guestActivation, 'x-graphql': fakeReply.garbage(), 'x-syndication': fakeReply.garbage() },
      FORMAT_CHANGED('X'),
    ],
  ],
  ends: [
    {
      name: 'protected',
      routes: { ...guestActivation, 'x-graphql': jsonFile('twitter', 'graphql-unavailable-protected.json') },
      isDeleted: false,
      reason: 'Video is private',
    },
    {
      name: 'deleted',
      routes: { ...guestActivation, 'x-graphql': jsonFile('twitter', 'graphql-tombstone-deleted.json') },
      isDeleted: true,
      reason: 'Video was deleted',
    },
  ],
  troubles: [
    [
      'HTTP 429 from both sources',
      {
        ...guestActivation,
        'x-graphql': jsonFile('twitter', 'graphql-rate-limited.json', 429),
        'x-syndication': fakeReply.tooManyRequests(240),
      },
      240,
    ],
    [
      'HTTP 503 from both sources',
      {
        ...guestActivation,
        'x-graphql': fakeReply.serverError(503),
        'x-syndication': fakeReply.serverError(503),
      },
      null,
    ],
  ],
};

const VARIANTS: Variant[] = [
  TIKTOK,
  YOUTUBE_DATA_API,
  YOUTUBE_WEB,
  INSTAGRAM_GRAPHQL,
  INSTAGRAM_PAGE,
  X_API_V2,
  X_GRAPHQL,
];

// --- one fake platform and one outbound client for the whole file ----------------------------------------------

let routes: Routes = {};
let fake: FakePlatform;
let http: ClosableHttpClient;

beforeAll(async () => {
  fake = await startFakePlatform((request) => {
    const route = routeOf(request);
    return (route && routes[route]) ?? fakeReply.notFound('no such route on the fake platform');
  });
  http = createHttpClient({
    upstreams: fake.upstreams([...PLATFORM_ORIGINS, ...FOREIGN_ORIGINS]),
    timeoutMs: 5_000,
  });
});
afterAll(async () => {
  await http.close();
  await fake.close();
});

/** Requests the fake received for one source. */
const requestsTo = (route: Route) => fake.requests.filter((request) => routeOf(request) === route);

describe.each(DIALECTS)('live keys against the platforms (%s)', (dialect) => {
  const clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
  // The production collectors, rebuilt for each test (no test inherits a guest token or an API pause).
  // The service looks a live collector up on every use, so replacing the entries swaps them.
  const live: LiveCollectors = {};
  let api: TestApi;
  let account: { id: string; liveKey: string; testKey: string };

  const useCollectors = (config: Partial<Config>) =>
    Object.assign(live, createLiveCollectors(testConfig(config), http));

  beforeAll(async () => {
    api = await createTestApi(dialect, { clock, liveCollectors: live });
  });
  afterAll(() => api.close());

  beforeEach(async () => {
    routes = {};
    fake.requests.length = 0;
    account = await api.createAccount({ creditUsd: 10 });
  });

  afterEach(async () => {
    // Invariant 5 in docs/architecture.md, for every test: nothing but the platforms' allow-listed hosts was
    // ever contacted.
    for (const request of fake.requests) expect(ALLOWED_ORIGINS.has(request.upstream ?? '')).toBe(true);
    // Leave nothing due for the next test's engine passes.
    const monitoring = await get('/api/v1/videos?status=monitoring');
    for (const video of monitoring.videos as Array<{ id: string }>) {
      await api.call('POST', `/api/v1/videos/${video.id}/stop`, { key: account.liveKey });
    }
  });

  async function get(url: string) {
    const response = await api.call('GET', url, { key: account.liveKey });
    expect(response.statusCode).toBe(200);
    return response.json();
  }
  const track = (link: string, days = 1) =>
    api.call('POST', '/api/v1/videos/track', {
      key: account.liveKey,
      body: { video_link: link, duration_days: days },
    });
  const usage = () => get('/api/v1/usage');
  const countsOf = (snapshot: Counts) => ({
    views: snapshot.views,
    likes: snapshot.likes,
    comments: snapshot.comments,
    shares: snapshot.shares,
    saves: snapshot.saves,
  });

  async function trackFirst(variant: Variant): Promise<string> {
    routes = variant.first.routes;
    const response = await track(variant.link);
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  }

  async function expectNothingStored() {
    const db = api.store.db;
    expect(await db.selectFrom('videos').select('id').where('account_id', '=', account.id).execute()).toEqual(
      [],
    );
    const ledger = await db
      .selectFrom('ledger_entries')
      .select('kind')
      .where('account_id', '=', account.id)
      .execute();
    expect(ledger.map((entry) => entry.kind)).toEqual(['credit']);
    expect(await usage()).toMatchObject({
      balance_usd: 10,
      available_usd: 10,
      total_snapshots: 0,
      total_charged_usd: 0,
      uncharged_usage_usd: 0,
    });
    await expectInvariants(api.store, account.id);
  }

  describe.each(VARIANTS.map((variant) => [variant.name, variant] as const))('%s', (_name, variant) => {
    beforeEach(() => {
      useCollectors(variant.config);
    });

    it('tracks with the exact counts, takes the next snapshot when due, charges each once, and stops', async () => {
      routes = variant.first.routes;
      const createdAt = clock.now();
      const response = await track(variant.link);
      expect(response.statusCode, response.body).toBe(201);
      const tracked = response.json();
      expect(tracked).toMatchObject({
        video_link: variant.link,
        platform: variant.platform,
        status: 'monitoring',
        canonical_url: variant.canonicalUrl,
        current_metadata: variant.metadata,
        snapshots_collected: 1,
        estimated_cost: 0.36,
        next_snapshot_at: new Date(createdAt + HOUR).toISOString(),
      });
      expect(tracked.latest).toMatchObject({ slot: 0, provider: variant.provider });
      expect(countsOf(tracked.latest)).toEqual(variant.first.counts);

      // An hour later the platform shows higher counts.
      clock.advance(HOUR);
      routes = variant.later.routes();
      const engine = createTestEngine(api);
      const pass = await engine.runDue();
      expect(pass.fates).toMatchObject({ stored: 1, retry: 0, missed: 0, ended: 0 });
      expect((await engine.runDue()).leased).toBe(0);

      const video = await get(`/api/v1/videos/${tracked.id}`);
      expect(video).toMatchObject({
        status: 'monitoring',
        is_deleted: false,
        current_metadata: variant.metadata,
        snapshots_collected: 2,
        snapshots_missed: 0,
      });
      expect(video.snapshots.map((s: { slot: number; provider: string }) => [s.slot, s.provider])).toEqual([
        [0, variant.provider],
        [1, variant.provider],
      ]);
      expect(countsOf(video.snapshots[0])).toEqual(variant.first.counts);
      expect(countsOf(video.snapshots[1])).toEqual(variant.later.counts);
      expect(video.snapshots[1].snapshot_time).toBe(new Date(createdAt + HOUR).toISOString());

      // Charged once per stored snapshot, out of the reservation.
      const charges = await api.store.db
        .selectFrom('ledger_entries')
        .select(['snapshot_id', 'balance_delta_micro_usd'])
        .where('video_id', '=', tracked.id)
        .where('kind', '=', 'charge')
        .execute();
      expect(charges.map((c) => Number(c.balance_delta_micro_usd))).toEqual([-15_000, -15_000]);
      expect(new Set(charges.map((c) => c.snapshot_id)).size).toBe(2);
      expect(await usage()).toMatchObject({
        total_snapshots: 2,
        total_charged_usd: 0.03,
        uncharged_usage_usd: 0.33,
      });

      const stop = await api.call('POST', `/api/v1/videos/${tracked.id}/stop`, { key: account.liveKey });
      expect(stop.statusCode).toBe(200);
      expect(stop.json()).toMatchObject({
        success: true,
        previous_status: 'monitoring',
        new_status: 'completed',
      });
      expect(await get(`/api/v1/videos/${tracked.id}`)).toMatchObject({
        status: 'completed',
        next_snapshot_at: null,
      });
      expect(await usage()).toMatchObject({
        balance_usd: 9.97,
        available_usd: 9.97,
        uncharged_usage_usd: 0,
        total_charged_usd: 0.03,
        active_videos: 0,
      });
      clock.advance(HOUR);
      expect((await engine.runDue()).leased).toBe(0);
      await expectInvariants(api.store, account.id);
    });

    it.each(variant.unavailable)('%s at track time is a 404 and nothing is stored', async (_name, answer) => {
      routes = answer;
      const response = await track(variant.link);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(NOT_FOUND_BODY);
      await expectNothingStored();
    });

    it.each(variant.unreadable)(
      '%s at track time is a 500 that says why, and nothing is stored or charged',
      async (_name, answer, reason) => {
        routes = answer;
        const response = await track(variant.link);
        expect(response.statusCode).toBe(500);
        expect(response.json()).toEqual(unreadableBody(reason));
        await expectNothingStored();
      },
    );

    it.each(variant.ends.map((end) => [end.name, end] as const))(
      'a video that turns %s ends in error without a charge',
      async (_name, end) => {
        const id = await trackFirst(variant);
        clock.advance(HOUR);
        routes = end.routes;
        const engine = createTestEngine(api);
        expect((await engine.runDue()).fates).toMatchObject({ ended: 1, stored: 0 });
        expect(await get(`/api/v1/videos/${id}`)).toMatchObject({
          status: 'error',
          is_deleted: end.isDeleted,
          error_reason: end.reason,
          snapshots_collected: 1,
          next_snapshot_at: null,
        });
        expect(await usage()).toMatchObject({
          total_charged_usd: 0.015,
          uncharged_usage_usd: 0,
          balance_usd: 9.985,
          active_videos: 0,
        });
        clock.advance(HOUR);
        expect((await engine.runDue()).leased).toBe(0);
        await expectInvariants(api.store, account.id);
      },
    );

    it.each(variant.troubles)(
      '%s after tracking is retried, then the slot is missed and not charged',
      async (_name, answer, retryAfterSeconds) => {
        const id = await trackFirst(variant);
        const createdAt = clock.now();
        const requestsBefore = fake.requests.length;
        clock.advance(HOUR);
        routes = answer;
        const engine = createTestEngine(api);
        const first = await engine.runDue();
        expect(first.fates).toMatchObject({ retry: 1, stored: 0, ended: 0 });
        const firstRetryAt = Date.parse((await get(`/api/v1/videos/${id}`)).next_snapshot_at);
        if (retryAfterSeconds === null) expect(firstRetryAt - clock.now()).toBeLessThan(60_000);
        // The platform's Retry-After travels through the collector to the schedule.
        else expect(firstRetryAt - clock.now()).toBe(retryAfterSeconds * 1000);

        // Follow the engine's own schedule (backoff, Retry-After, the circuit breaker) until it gives slot 1 up.
        let passes = 1;
        for (; passes < 200; passes++) {
          const row = await api.store.db
            .selectFrom('videos')
            .select(['next_due_at', 'snapshots_missed'])
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          if (row.snapshots_missed > 0) break;
          clock.set(Math.max(Number(row.next_due_at), clock.now()));
          const pass = await engine.runDue();
          expect(pass.fates.stored + pass.fates.ended).toBe(0);
        }
        expect(passes).toBeGreaterThan(2);
        // Each retry asked the platform again.
        expect(fake.requests.length - requestsBefore).toBeGreaterThan(2);

        const video = await get(`/api/v1/videos/${id}`);
        expect(video).toMatchObject({ status: 'monitoring', snapshots_collected: 1, snapshots_missed: 1 });
        // The answers are what the OpenAPI document describes, a missed slot's snapshot included.
        expect(videoDetailSchema.safeParse(video).error).toBeUndefined();
        // The schedule moved on to a later slot.
        expect(Date.parse(video.next_snapshot_at)).toBeGreaterThan(createdAt + HOUR);
        const withMissed = await get(`/api/v1/videos/${id}/snapshots?include_missed=true`);
        expect(withMissed.snapshots[1]).toMatchObject({
          slot: 1,
          missed: true,
          views: null,
          likes: null,
          comments: null,
        });
        expect(snapshotSchema.safeParse(withMissed.snapshots[1]).error).toBeUndefined();
        expect(await usage()).toMatchObject({
          total_snapshots: 1,
          total_charged_usd: 0.015,
          uncharged_usage_usd: 0.345,
        });
        await expectInvariants(api.store, account.id);
      },
    );
  });

  describe('a platform that cannot be reached at track time', () => {
    /** Tracks the TikTok video with the production collectors over `client` (closed afterwards). */
    async function trackThrough(client: ClosableHttpClient) {
      Object.assign(live, createLiveCollectors(testConfig({}), client));
      try {
        return await track(TIKTOK.link);
      } finally {
        await client.close();
      }
    }

    it('nothing listening: a 500 naming the platform host it could not connect to', async () => {
      const deadOrigin = `http://127.0.0.1:${await freePort()}`;
      const response = await trackThrough(
        createHttpClient({ upstreams: { 'https://www.tiktok.com': deadOrigin }, timeoutMs: 5_000 }),
      );
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual(
        unreadableBody('TikTok could not be reached (network error connecting to www.tiktok.com)'),
      );
      // The replacement address is the operator's plumbing, not the platform's: never shown.
      expect(response.body).not.toContain('127.0.0.1');
      await expectNothingStored();
    });

    it('no answer in time: a 500 saying the platform host did not answer', async () => {
      routes = { 'tiktok-page': fakeReply.slow(2_000, fakeReply.html(loadFixture('video-page'))) };
      const response = await trackThrough(
        createHttpClient({ upstreams: fake.upstreams(['https://www.tiktok.com']), timeoutMs: 150 }),
      );
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual(
        unreadableBody('TikTok could not be reached (www.tiktok.com did not answer in time)'),
      );
      await expectNothingStored();
    });
  });

  describe('TikTok short links', () => {
    const SHORT_LINK = 'https://vm.tiktok.com/ZMabc123/';

    beforeEach(() => {
      useCollectors({});
    });

    it('a vm.tiktok.com link is followed through its redirects and tracked end to end', async () => {
      routes = {
        'tiktok-short-link': fakeReply.redirect(
          `https://www.tiktok.com/@marisol.bakes/video/${TIKTOK_ID}?_t=8kLmN0pQrSt&_r=1`,
          301,
        ),
        'tiktok-page': fakeReply.html(loadFixture('video-page')),
      };
      const response = await track(SHORT_LINK);
      expect(response.statusCode, response.body).toBe(201);
      const tracked = response.json();
      expect(tracked).toMatchObject({
        video_link: SHORT_LINK,
        platform: 'tiktok',
        canonical_url: TIKTOK.canonicalUrl,
        current_metadata: TIKTOK.metadata,
      });
      expect(countsOf(tracked.latest)).toEqual(TIKTOK.first.counts);
      // The short link hop, then the canonical page: never the link's own target page.
      expect(fake.requests.map((request) => request.url.href)).toEqual([
        SHORT_LINK,
        `https://www.tiktok.com/@_/video/${TIKTOK_ID}`,
      ]);

      clock.advance(HOUR);
      routes = TIKTOK.later.routes();
      expect((await createTestEngine(api).runDue()).fates.stored).toBe(1);
      const video = await get(`/api/v1/videos/${tracked.id}`);
      expect(countsOf(video.snapshots[1])).toEqual(TIKTOK_LATER);
      const stop = await api.call('POST', `/api/v1/videos/${tracked.id}/stop`, { key: account.liveKey });
      expect(stop.json()).toMatchObject({ new_status: 'completed' });
      expect(await usage()).toMatchObject({ balance_usd: 9.97, uncharged_usage_usd: 0 });
      await expectInvariants(api.store, account.id);
    });

    it('a short link that redirects to a foreign host is a 500 and that host is never contacted', async () => {
      routes = { 'tiktok-short-link': fakeReply.redirect('https://phish.example/win-a-prize') };
      const response = await track(SHORT_LINK);
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual(unreadableBody(BLOCKED('TikTok')));
      expect(fake.requests.length).toBeGreaterThan(0);
      expect(fake.requests.every((request) => request.upstream === 'https://vm.tiktok.com')).toBe(true);
      await expectNothingStored();
    });

    it('a video page that redirects to a foreign host is a 500 and that host is never contacted', async () => {
      routes = { 'tiktok-page': fakeReply.redirect('https://phish.example/verify') };
      const response = await track(TIKTOK.link);
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual(unreadableBody(BLOCKED('TikTok')));
      // Asked twice (the quick retry at track time), both times TikTok only.
      expect(requestsTo('tiktok-page')).toHaveLength(2);
      expect(fake.requests.every((request) => request.upstream === 'https://www.tiktok.com')).toBe(true);
      await expectNothingStored();
    });
  });
});
