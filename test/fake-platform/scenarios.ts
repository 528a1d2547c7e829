// Each platform, one row per way of reading it (web page, official API with a key, fallbacks): a video link,
// what the fake platforms answer when the video is healthy and an hour later with higher counts, and the
// answers that make it unavailable, unreadable, end or throttle, with what the service must make of each.
// Built from the committed fixtures, so every answer is a real-shaped payload.
//
// The live-platform e2e tests run every row; other tests can serve one (`platforms.serve(TIKTOK.first.routes)`)
// or everything at once (`HEALTHY_ROUTES`).

import type { Config } from '../../src/config.ts';
import { itemOf, loadFixture, statsV2Of, withVideoDetail } from '../../src/platforms/tiktok/fixture-pages.ts';
import type { PlatformName } from '../../src/platforms/types.ts';
import {
  editedJson,
  fixtureFile,
  htmlFile,
  jsonBody,
  jsonFile,
  objectAt,
  withCountsReplaced,
} from './fixtures.ts';
import type { PlatformRoutes } from './platforms.ts';
import { fakeReply } from './server.ts';

// The reason a track refused with a 500 gives, per kind of failure (the platform's display name in it).
export const BLOCKED = (name: string) =>
  `${name} blocked this server's request (a bot check, a sign-in or consent page, or a refusal); try again later`;
export const FORMAT_CHANGED = (name: string) =>
  `${name} answered, but the page format was not recognised (${name} may have changed it)`;
export const RATE_LIMITED = (name: string) => `${name} is rate limiting this server; try again later`;
export const SERVER_ERROR = (name: string) =>
  `${name} answered with an error on its side; try again in a few minutes`;

// --- each platform's video, and the same video an hour later with higher counts ----------------------------

/** The counts the API shows, as its decimal strings (exact beyond 2^53). */
export interface Counts {
  views: string | null;
  likes: string | null;
  comments: string | null;
  shares: string | null;
  saves: string | null;
}

// TikTok: the video page's rehydration JSON.
export const TIKTOK_ID = '7401234567890123456';
export const TIKTOK_LATER: Counts = {
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

export interface TrackingEnd {
  name: string;
  routes: PlatformRoutes;
  isDeleted: boolean;
  reason: string;
}

export interface PlatformVariant {
  name: string;
  platform: PlatformName;
  /** Credentials that pick the token path; none picks the public web path. */
  config: Partial<Config>;
  link: string;
  canonicalUrl: string;
  provider: string;
  metadata: { title: string | null; creator: string | null; description: string | null };
  first: { routes: PlatformRoutes; counts: Counts };
  later: { routes: () => PlatformRoutes; counts: Counts };
  /** The platform says the video is missing or private at track time: 404, nothing stored. */
  unavailable: Array<[string, PlatformRoutes]>;
  /** The platform cannot be read at track time: 500 with this reason, nothing stored or charged. */
  unreadable: Array<[string, PlatformRoutes, string]>;
  /** After tracking, the platform says private / deleted: the tracking ends in error. */
  ends: TrackingEnd[];
  /**
   * After tracking, the platform throttles or fails: retried, then the slot is missed. The number is the
   * Retry-After (seconds) the platform asked for and the first retry must respect; null: backoff only.
   */
  troubles: Array<[string, PlatformRoutes, number | null]>;
}

export const TIKTOK: PlatformVariant = {
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

export const YOUTUBE_DATA_API: PlatformVariant = {
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

export const YOUTUBE_WEB: PlatformVariant = {
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
const instagramNotFound: PlatformRoutes = {
  'instagram-graphql': jsonFile('instagram', 'graphql-web-info-null.json'),
  'instagram-graphql-legacy': jsonFile('instagram', 'graphql-shortcode-media-null.json'),
  'instagram-page': htmlFile('instagram', 'post-page-not-found.html', 404),
};
const instagramRetiredQueries: PlatformRoutes = {
  'instagram-graphql': jsonFile('instagram', 'graphql-retired-doc-id.json'),
  'instagram-graphql-legacy': jsonFile('instagram', 'graphql-retired-doc-id.json'),
};
const instagramTroubles: Array<[string, PlatformRoutes, number | null]> = [
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
const instagramUnreadable: Array<[string, PlatformRoutes, string]> = [
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

export const INSTAGRAM_GRAPHQL: PlatformVariant = {
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

export const INSTAGRAM_PAGE: PlatformVariant = {
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
const guestActivation: PlatformRoutes = { 'x-guest-activate': jsonFile('twitter', 'guest-activate.json') };
const xLoggedOutRefused: PlatformRoutes = {
  'x-guest-activate': fakeReply.json({ errors: [{ code: 200, message: 'Forbidden.' }] }, 403),
  'x-syndication': fakeReply.html('<html>Forbidden</html>', 403),
};

export const X_API_V2: PlatformVariant = {
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

export const X_GRAPHQL: PlatformVariant = {
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

/** The operation id the built-in configuration and the committed bundle name. */
export const X_BUILT_IN_QUERY_ID = 'zAz9764BcLZOJ0JU2wrd1A';

/**
 * X's web app as deployed with `queryId`: x.com's page, the main bundle naming that id, and GraphQL that
 * answers the video post under that id only — an older id answers 404, as X does after a redeploy.
 */
export function xWebAppDeployedWith(queryId: string): PlatformRoutes {
  return {
    ...guestActivation,
    'x-web-app': htmlFile('twitter', 'web-app-page.html'),
    'x-web-bundle': {
      headers: { 'content-type': 'application/javascript; charset=utf-8' },
      body: fixtureFile('twitter', 'main-bundle.js').replace(X_BUILT_IN_QUERY_ID, queryId),
    },
    'x-graphql': (request) =>
      request.url.pathname === `/graphql/${queryId}/TweetResultByRestId`
        ? jsonFile('twitter', 'graphql-video-tweet.json')
        : fakeReply.notFound(),
    'x-syndication': jsonFile('twitter', 'syndication-video-tweet.json'),
  };
}

export const PLATFORM_VARIANTS: PlatformVariant[] = [
  TIKTOK,
  YOUTUBE_DATA_API,
  YOUTUBE_WEB,
  INSTAGRAM_GRAPHQL,
  INSTAGRAM_PAGE,
  X_API_V2,
  X_GRAPHQL,
];

/**
 * Every platform healthy, by every way of reading it: each source answers with the committed video, the
 * Instagram post page too (INSTAGRAM_PAGE's own first routes retire the GraphQL queries to reach it).
 */
export const HEALTHY_ROUTES: PlatformRoutes = {
  ...TIKTOK.first.routes,
  ...YOUTUBE_DATA_API.first.routes,
  ...YOUTUBE_WEB.first.routes,
  ...INSTAGRAM_GRAPHQL.first.routes,
  'instagram-page': htmlFile('instagram', 'post-page-reel.html'),
  ...X_API_V2.first.routes,
  ...X_GRAPHQL.first.routes,
};
