// The world of the real-path benchmark (bench/realpath.ts): which ways of reading a platform it runs, the videos
// it tracks on each, and what the fake platforms answer for any one of them — the committed fixtures at their
// full size, with the requested video's id written where the fixture has its own. Shared by the benchmark,
// which seeds the videos with the metadata their answers carry, and the fake platforms' process, which answers.
import { readFileSync } from 'node:fs';
import { GRAPHQL_URL, readPostQueryResponse } from '../src/platforms/instagram/graphql.ts';
import { parsePostPage } from '../src/platforms/instagram/post-page.ts';
import { videoRef } from '../src/platforms/registry.ts';
import { parseVideoPage } from '../src/platforms/tiktok/parse-video-page.ts';
import { tiktokCanonicalUrl } from '../src/platforms/tiktok/url.ts';
import { parseTweetsLookup } from '../src/platforms/twitter/api-v2.ts';
import { parseTweetResultByRestId } from '../src/platforms/twitter/graphql.ts';
import type { CollectResult, PlatformName, VideoMetadata } from '../src/platforms/types.ts';
import { readVideosListResponse } from '../src/platforms/youtube/data-api.ts';
import { parseWatchPage } from '../src/platforms/youtube/watch-page.ts';

/** A way of reading a platform: the collector's source, and what the process needs to take it. */
export interface ReadPath {
  platform: PlatformName;
  /** The source the observations carry (the collector's provider name). */
  source: string;
  /** Configuration that makes the collector take this path (an API key), on top of the common one. */
  env: Record<string, string>;
  /** Instagram's GraphQL queries answer (the default path), or are retired so the post page is read. */
  instagramGraphql?: 'current' | 'retired';
  /** How one answer is read, for the metadata seeded with each video and a check of the fake's answers. */
  read(body: string, videoId: string): CollectResult;
}

const single = (videoId: string, lookup: ReturnType<typeof parseTweetsLookup>): CollectResult =>
  lookup.ok
    ? (lookup.value.get(videoId) ?? { ok: false, error: { kind: 'format_changed', message: 'absent' } })
    : lookup;

export const READ_PATHS = {
  'tiktok-web': {
    platform: 'tiktok',
    source: 'tiktok-web',
    env: {},
    read: (body, id) => parseVideoPage({ finalUrl: tiktokCanonicalUrl(id), body }, id),
  },
  'youtube-web': {
    platform: 'youtube',
    source: 'youtube-web',
    env: {},
    read: (body, id) => parseWatchPage(body, id),
  },
  'youtube-data-api': {
    platform: 'youtube',
    source: 'youtube-data-api',
    env: { YOUTUBE_API_KEY: 'AIzaSy-bench-key' },
    read: (body, id) => single(id, readVideosListResponse(200, body, [id])),
  },
  'instagram-graphql': {
    platform: 'instagram',
    source: 'instagram-graphql',
    env: {},
    instagramGraphql: 'current',
    read: (body, id) =>
      readPostQueryResponse(
        { status: 200, headers: {}, body, finalUrl: GRAPHQL_URL, redirects: [] },
        id,
        'instagram-graphql',
        Date.now(),
      ),
  },
  'instagram-web': {
    platform: 'instagram',
    source: 'instagram-web',
    env: {},
    instagramGraphql: 'retired',
    read: (body, id) => parsePostPage(body, id),
  },
  'x-graphql': {
    platform: 'twitter',
    source: 'x-graphql',
    env: {},
    read: (body, id) => parseTweetResultByRestId(body, id),
  },
  'x-api-v2': {
    platform: 'twitter',
    source: 'x-api-v2',
    env: { X_BEARER_TOKEN: 'bench-bearer-token' },
    read: (body, id) => single(id, parseTweetsLookup(body, [id])),
  },
} as const satisfies Record<string, ReadPath>;

export type ReadPathName = keyof typeof READ_PATHS;

/** The id of the `index`-th tracked video on a platform: the same length and alphabet as the real ones. */
export function benchVideoId(platform: PlatformName, index: number): string {
  switch (platform) {
    case 'tiktok':
      return `74${String(index).padStart(17, '0')}`;
    case 'twitter':
      return `18${String(index).padStart(17, '0')}`;
    case 'youtube':
      return `b${index.toString(36).padStart(10, '0')}`;
    case 'instagram':
      return `C${index.toString(36).padStart(10, '0')}`;
  }
}

export const benchVideoLink = (platform: PlatformName, videoId: string): string =>
  videoRef(platform, videoId).canonicalUrl;

// --- the answers -------------------------------------------------------------------------------------------

const fixture = (platform: PlatformName, name: string): string =>
  readFileSync(new URL(`../src/platforms/${platform}/fixtures/${name}`, import.meta.url), 'utf8');

/** The ids the fixtures are written for. */
const FIXTURE_ID = {
  tiktok: '7401234567890123456',
  youtube: 'Xr4bK2m9QpA',
  instagram: 'C3wq-PRO_fT',
  twitter: '1812345678901234567',
} as const satisfies Record<PlatformName, string>;

/** A fixture cut at its own video's id, so any id is written in with one copy of the bytes. */
export class IdTemplate {
  readonly #parts: Buffer[];
  constructor(text: string, id: string) {
    this.#parts = text.split(id).map((part) => Buffer.from(part));
    if (this.#parts.length < 2) throw new Error(`the fixture does not name ${id}`);
  }
  render(id: string): Buffer {
    const idBytes = Buffer.from(id);
    const pieces: Buffer[] = [];
    this.#parts.forEach((part, i) => {
      if (i > 0) pieces.push(idBytes);
      pieces.push(part);
    });
    return Buffer.concat(pieces);
  }
}

/** What each source answers for a video (or a batch of them), as the platform would: full-size bodies. */
export function platformAnswers() {
  const tiktokPage = new IdTemplate(fixture('tiktok', 'video-page.html'), FIXTURE_ID.tiktok);
  // YouTube's watch page is about a megabyte; the fixture of the tests is two thirds of that.
  const watchPage = new IdTemplate(fixture('youtube', 'watch-public-full.html'), FIXTURE_ID.youtube);
  const postPage = new IdTemplate(fixture('instagram', 'post-page-reel.html'), FIXTURE_ID.instagram);
  const postQuery = new IdTemplate(fixture('instagram', 'graphql-web-info-reel.json'), FIXTURE_ID.instagram);
  const tweetResult = new IdTemplate(fixture('twitter', 'graphql-video-tweet.json'), FIXTURE_ID.twitter);

  // videos.list answers pretty-printed JSON, one item per id it knows; the fixture's first item stands for each.
  const videosList = JSON.parse(fixture('youtube', 'data-api-videos.json')) as { items: unknown[] };
  const videoItem = JSON.stringify(videosList.items[0]);
  const videosListAnswer = (ids: readonly string[]): Buffer =>
    Buffer.from(
      JSON.stringify(
        {
          ...videosList,
          items: ids.map((id) => JSON.parse(videoItem.replaceAll(FIXTURE_ID.youtube, id)) as unknown),
          pageInfo: { totalResults: ids.length, resultsPerPage: ids.length },
        },
        null,
        2,
      ),
    );
  // API v2 answers compact JSON: each post, and its author among the includes.
  const lookup = JSON.parse(fixture('twitter', 'api-v2-batch.json')) as {
    data: unknown[];
    includes: { users: unknown[] };
  };
  const tweet = JSON.stringify(lookup.data[0]);
  const tweetsLookupAnswer = (ids: readonly string[]): Buffer =>
    Buffer.from(
      JSON.stringify({
        data: ids.map((id) => JSON.parse(tweet.replaceAll(FIXTURE_ID.twitter, id)) as unknown),
        includes: { users: [lookup.includes.users[0]] },
      }),
    );

  return {
    tiktokPage: (id: string) => tiktokPage.render(id),
    watchPage: (id: string) => watchPage.render(id),
    postPage: (id: string) => postPage.render(id),
    postQuery: (id: string) => postQuery.render(id),
    retiredPostQuery: Buffer.from(fixture('instagram', 'graphql-retired-doc-id.json')),
    tweetResult: (id: string) => tweetResult.render(id),
    videosList: videosListAnswer,
    tweetsLookup: tweetsLookupAnswer,
    guestToken: Buffer.from(fixture('twitter', 'guest-activate.json')),
    webAppPage: Buffer.from(fixture('twitter', 'web-app-page.html')),
    webBundle: Buffer.from(fixture('twitter', 'main-bundle.js')),
  };
}

export type PlatformAnswers = ReturnType<typeof platformAnswers>;

/** The answer a path's collector reads for one video, as the fake sends it. */
export function answerFor(answers: PlatformAnswers, path: ReadPathName, id: string): Buffer {
  switch (path) {
    case 'tiktok-web':
      return answers.tiktokPage(id);
    case 'youtube-web':
      return answers.watchPage(id);
    case 'youtube-data-api':
      return answers.videosList([id]);
    case 'instagram-graphql':
      return answers.postQuery(id);
    case 'instagram-web':
      return answers.postPage(id);
    case 'x-graphql':
      return answers.tweetResult(id);
    case 'x-api-v2':
      return answers.tweetsLookup([id]);
  }
}

/** The metadata a path's observations carry (the same for every video: it is the fixture's). */
export function observedMetadata(answers: PlatformAnswers, path: ReadPathName): VideoMetadata {
  const { platform } = READ_PATHS[path];
  const id = benchVideoId(platform, 0);
  const result = READ_PATHS[path].read(answerFor(answers, path, id).toString('utf8'), id);
  if (!result.ok) throw new Error(`the fake's ${path} answer does not read: ${result.error.message}`);
  return result.value.metadata;
}
