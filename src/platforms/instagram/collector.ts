// The Instagram collector: one post at a time, from the first source that answers — the current GraphQL
// post query, the older one, then the post page. A source that fails for a reason other than the post
// (a retired query, a login wall, an outage) hands over to the next; a definite answer about the post
// (it is private; the page itself says it does not exist) ends the search. A GraphQL query that keeps
// failing as blocked or retired while the post page answers is passed over for a cool-down
// (source-preference.ts), so a retired doc id does not cost every post a wasted request.

import type { HttpClient, OutboundResult } from '../../http/types.ts';
import { err } from '../../result.ts';
import { collectOneByOne } from '../collect-one-by-one.ts';
import { outboundFailure } from '../http-failure.ts';
import { outcomeOf, type RecordAttempt } from '../source-attempts.ts';
import {
  createSourcePreference,
  type SourcePreference,
  type SourcePreferenceOptions,
} from '../source-preference.ts';
import { type CollectFailure, type Collector, type CollectResult, failure, type VideoRef } from '../types.ts';
import {
  CURRENT_POST_QUERY,
  GRAPHQL_URL,
  LEGACY_POST_QUERY,
  type PostQuery,
  postQueryBody,
  postQueryHeaders,
  readPostQueryResponse,
} from './graphql.ts';
import { INSTAGRAM_WEB_PROVIDER, parsePostPage } from './post-page.ts';
import { classifyLoginWall, classifyRefusal } from './refusal.ts';
import { instagramCanonicalUrl } from './url.ts';

export interface InstagramCollectorOptions {
  http: HttpClient;
  /** INSTAGRAM_SESSION_ID: the `sessionid` cookie of a logged-in account, sent when configured. */
  sessionId?: string;
  /** Per request. */
  timeoutMs?: number;
  /** The GraphQL post queries to try, in order. Instagram retires doc ids; override to follow it. */
  postQueries?: readonly PostQuery[];
  now?: () => number;
  recordAttempt?: RecordAttempt;
  /** When the post page is asked before a GraphQL query that keeps failing, and for how long. */
  preference?: Omit<SourcePreferenceOptions, 'now'>;
}

export const INSTAGRAM_HOSTS = ['www.instagram.com', 'instagram.com', 'i.instagram.com'] as const;

/** Instagram moves /p/CODE/ to /reel/CODE/ or /user/p/CODE/; more hops than this is a loop. */
const PAGE_MAX_REDIRECTS = 3;
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface InstagramSource {
  provider: string;
  read(shortcode: string, signal?: AbortSignal): Promise<CollectResult>;
}
type Source = InstagramSource;

/** The GraphQL queries in order, then the post page: each source on its own. */
export function createInstagramSources(
  options: Pick<InstagramCollectorOptions, 'http' | 'sessionId' | 'timeoutMs' | 'postQueries' | 'now'>,
): InstagramSource[] {
  const { http, sessionId } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? Date.now;
  const queries = options.postQueries ?? [CURRENT_POST_QUERY, LEGACY_POST_QUERY];

  const graphqlSource = (query: PostQuery): Source => ({
    provider: query.provider,
    async read(shortcode, signal) {
      const result = await http.fetch({
        url: GRAPHQL_URL,
        method: 'POST',
        headers: postQueryHeaders(query, shortcode, sessionId),
        body: postQueryBody(query, shortcode),
        allowedHosts: INSTAGRAM_HOSTS,
        maxRedirects: 0,
        timeoutMs,
        maxBodyBytes: MAX_BODY_BYTES,
        impersonateBrowser: true,
        ...(signal ? { signal } : {}),
      });
      if (!result.ok) return err(outboundFailure('Instagram', result.error, GRAPHQL_URL));
      return readPostQueryResponse(result.value, shortcode, query.provider, now());
    },
  });

  const postPageSource: Source = {
    provider: INSTAGRAM_WEB_PROVIDER,
    async read(shortcode, signal) {
      const url = instagramCanonicalUrl(shortcode);
      const result: OutboundResult = await http.fetch({
        url,
        method: 'GET',
        headers: {
          Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
          'Accept-Language': 'en-US,en;q=0.9',
          ...(sessionId ? { Cookie: `sessionid=${sessionId}` } : {}),
        },
        allowedHosts: INSTAGRAM_HOSTS,
        maxRedirects: PAGE_MAX_REDIRECTS,
        timeoutMs,
        maxBodyBytes: MAX_BODY_BYTES,
        impersonateBrowser: true,
        ...(signal ? { signal } : {}),
      });
      if (!result.ok) return err(outboundFailure('Instagram', result.error, url));
      const response = result.value;
      const refusal = classifyLoginWall(response) ?? classifyRefusal(response, undefined, now());
      if (refusal) return err(refusal);
      if (response.status === 404 || response.status === 410) {
        return failure('not_found', `Instagram answered HTTP ${response.status} for the post page`);
      }
      if (response.status !== 200)
        return failure('format_changed', `Instagram answered HTTP ${response.status}`);
      return parsePostPage(response.body, shortcode);
    },
  };

  return [...queries.map(graphqlSource), postPageSource];
}

export function createInstagramCollector(options: InstagramCollectorOptions): Collector {
  const now = options.now ?? Date.now;
  const sources: Source[] = createInstagramSources(options);
  const postPageSource = sources.at(-1)!;
  const recordAttempt = options.recordAttempt ?? (() => undefined);
  // One preference per GraphQL query; the post page is the last source and has nothing to fall back to.
  const preferences = new Map<Source, SourcePreference>(
    sources.slice(0, -1).map((source) => [source, createSourcePreference({ now, ...options.preference })]),
  );

  async function collectOne(ref: VideoRef, signal?: AbortSignal): Promise<CollectResult> {
    const passedOver = sources.filter((source) => preferences.get(source)?.skipSource());
    const ordered = [...sources.filter((source) => !passedOver.includes(source)), ...passedOver];
    const tried: { source: Source; result: CollectResult }[] = [];
    const answer = await readInOrder(ordered, ref.videoId, tried, signal);
    // Each query that failed before a later source answered learns of it.
    const answered = tried.find(({ result }) => result.ok)?.result;
    for (const { source, result } of tried) preferences.get(source)?.report(result, answered);
    return answer;
  }

  async function readInOrder(
    ordered: readonly Source[],
    shortcode: string,
    tried: { source: Source; result: CollectResult }[],
    signal?: AbortSignal,
  ): Promise<CollectResult> {
    const failures: { provider: string; failure: CollectFailure }[] = [];
    for (const source of ordered) {
      const result = await source.read(shortcode, signal);
      recordAttempt('instagram', source.provider, outcomeOf(result));
      tried.push({ source, result });
      if (result.ok) return result;
      const { kind } = result.error;
      // Definite answers about the post, and an explicit "slow down", end the search: asking the next
      // source would only spend more of the allowance Instagram just said is used up.
      const definite =
        kind === 'private' ||
        (kind === 'not_found' && source === postPageSource) ||
        (kind === 'rate_limited' && result.error.retryAfterMs !== undefined);
      if (definite) return result;
      failures.push({ provider: source.provider, failure: result.error });
    }
    return err(mostTelling(failures));
  }

  return {
    platform: 'instagram',
    batchSize: 1,
    collect: (refs, signal) => collectOneByOne('Instagram', refs, (ref) => collectOne(ref, signal)),
  };
}

// When every source failed: a GraphQL "no such post" outranks a later login wall (Instagram answers
// `xdt_shortcode_media: null` for a post that does not exist → not_found), then throttling, blocking,
// outages, and a changed format last.
const PRECEDENCE: readonly CollectFailure['kind'][] = [
  'not_found',
  'private',
  'rate_limited',
  'blocked',
  'transient',
  'format_changed',
];

function mostTelling(failures: readonly { provider: string; failure: CollectFailure }[]): CollectFailure {
  const ranked = [...failures].sort(
    (a, b) => PRECEDENCE.indexOf(a.failure.kind) - PRECEDENCE.indexOf(b.failure.kind),
  );
  const chosen = ranked[0]?.failure ?? { kind: 'transient', message: 'No source was tried' };
  const message = failures
    .map(({ provider, failure: sourceFailure }) => `${provider}: ${sourceFailure.message}`)
    .join('; ');
  return { ...chosen, message };
}
