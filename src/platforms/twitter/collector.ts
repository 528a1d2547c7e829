import type { HttpClient } from '../../http/types.ts';
import { err } from '../../result.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import { outcomeOf, type RecordAttempt } from '../source-attempts.ts';
import { createSourcePreference, type SourcePreferenceOptions } from '../source-preference.ts';
import { type CollectFailure, type Collector, type CollectResult, failure, type VideoRef } from '../types.ts';
import { PROVIDER as API_V2, API_V2_MAX_IDS, fetchTweetsByApiV2 } from './api-v2.ts';
import { createGraphqlSource, DEFAULT_TWEET_RESULT_QUERY_ID, PROVIDER as GRAPHQL } from './graphql.ts';
import { createGuestTokenCache } from './guest-token.ts';
import { createQueryIdDiscovery, type QueryIdDiscovery } from './query-id-discovery.ts';
import { fetchTweetBySyndication, PROVIDER as SYNDICATION } from './syndication.ts';

// Sources, in order:
//   1. with X_BEARER_TOKEN: the official API v2, 100 posts a request;
//   2. for every post still without a definite answer: the logged-out web app's GraphQL API (guest token);
//   3. then the embed syndication endpoint (fewer counts, but no token at all).
// A definite answer — counts, "private", or "deleted" — ends the chain. Anything else (rate limits, outages,
// blocks, an unexplained "not found") lets the next source try, and if none can answer, the failure of the
// first source is reported with what the others said.
//
// GraphQL's operation id is read from x.com's web bundle before the first query and again after a run of
// format_changed answers (query-id-discovery.ts); when GraphQL keeps failing that way while syndication
// answers, syndication is asked first for a cool-down (source-preference.ts).

export interface TwitterCollectorOptions {
  http: HttpClient;
  /** X_BEARER_TOKEN; without it only the logged-out sources are used. */
  bearerToken?: string;
  /** TweetResultByRestId's operation id set by the operator; X changes it when it redeploys its web app. */
  graphqlQueryId?: string;
  /** GraphQL feature flags laid over the built-in ones. */
  graphqlFeatures?: Readonly<Record<string, boolean>>;
  /** Read the current operation id from x.com's web bundle (off unless asked: it is two more requests). */
  discoverQueryId?: boolean;
  /** The least time between two readings of the bundle. */
  discoveryIntervalMs?: number;
  /** When syndication is asked before GraphQL, and for how long. */
  preference?: Omit<SourcePreferenceOptions, 'now'>;
  recordAttempt?: RecordAttempt;
  /** Per request, including the body. */
  timeoutMs?: number;
  /** How many posts the logged-out sources read at once (they take one post a request). */
  guestConcurrency?: number;
  now?: () => number;
}

const TWEET_ID = /^\d{1,20}$/;
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_GUEST_CONCURRENCY = 4;
// When the logged-out sources fail this many posts in a row within one call, X is down or turning us away:
// the rest of the batch is not tried (up to 100 posts × three requests × the timeout would stall the worker).
const GIVE_UP_AFTER_SOURCE_FAILURES = 5;
// This many format_changed answers from GraphQL in a row send the collector to read the bundle again.
const REDISCOVER_AFTER_FORMAT_CHANGES = 2;

export function createTwitterCollector(options: TwitterCollectorOptions): Collector {
  const { http } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const recordAttempt = options.recordAttempt ?? (() => undefined);
  const record = (source: string, result: CollectResult) =>
    recordAttempt('twitter', source, outcomeOf(result));
  const bearerToken = options.bearerToken?.trim() || undefined;
  const guestConcurrency = Math.max(1, options.guestConcurrency ?? DEFAULT_GUEST_CONCURRENCY);
  const guestTokens = createGuestTokenCache({ http, now, timeoutMs });
  const queryIds: QueryIdDiscovery = createQueryIdDiscovery({
    http,
    now,
    timeoutMs,
    operationName: 'TweetResultByRestId',
    builtIn: DEFAULT_TWEET_RESULT_QUERY_ID,
    configured: options.graphqlQueryId,
    enabled: options.discoverQueryId === true,
    ...(options.discoveryIntervalMs === undefined ? {} : { minIntervalMs: options.discoveryIntervalMs }),
  });
  const readByGraphqlWith = createGraphqlSource({
    http,
    guestTokens,
    now,
    queryId: () => queryIds.current().queryId,
    features: options.graphqlFeatures,
    timeoutMs,
  });
  const preference = createSourcePreference({ now, ...options.preference });
  let formatChangesInARow = 0;

  /** GraphQL, with the operation id discovered first, and read again when X keeps saying the format changed. */
  async function readByGraphql(tweetId: string, signal?: AbortSignal): Promise<CollectResult> {
    if (queryIds.untried) await queryIds.refresh(signal);
    const usedId = queryIds.current().queryId;
    const result = await readByGraphqlWith(tweetId, signal);
    if (result.ok || result.error.kind !== 'format_changed') {
      formatChangesInARow = 0;
      return result;
    }
    formatChangesInARow++;
    if (formatChangesInARow < REDISCOVER_AFTER_FORMAT_CHANGES) return result;
    const fresh = await queryIds.refresh(signal);
    if (fresh.queryId === usedId) return result;
    // A new id: this post is asked again at once (a rotation costs no slot).
    record(GRAPHQL, result);
    formatChangesInARow = 0;
    return readByGraphqlWith(tweetId, signal);
  }
  // After a 429 the API's window stays closed until x-rate-limit-reset; asking again before is wasted.
  let apiV2ClosedUntilMs = 0;

  async function readByApiV2(
    tweetIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, CollectResult>> {
    const results = new Map<string, CollectResult>();
    if (!bearerToken) return results;
    for (let start = 0; start < tweetIds.length; start += API_V2_MAX_IDS) {
      const batch = tweetIds.slice(start, start + API_V2_MAX_IDS);
      const waitMs = apiV2ClosedUntilMs - now();
      if (waitMs > 0) {
        const closed = failure('rate_limited', 'x-api-v2: rate limited until its window reopens', {
          retryAfterMs: waitMs,
        });
        for (const id of batch) results.set(id, closed);
        continue;
      }
      const lookup = await fetchTweetsByApiV2({ http, bearerToken, now, timeoutMs }, batch, signal);
      if (lookup.ok) {
        for (const [id, result] of lookup.value) {
          results.set(id, result);
          record(API_V2, result);
        }
        continue;
      }
      if (lookup.error.kind === 'rate_limited' && lookup.error.retryAfterMs !== undefined) {
        apiV2ClosedUntilMs = now() + lookup.error.retryAfterMs;
      }
      for (const id of batch) {
        results.set(id, err(lookup.error));
        recordAttempt('twitter', API_V2, lookup.error.kind);
      }
    }
    return results;
  }

  async function readBySyndication(tweetId: string, signal?: AbortSignal): Promise<CollectResult> {
    const result = await fetchTweetBySyndication({ http, now, timeoutMs }, tweetId, signal);
    record(SYNDICATION, result);
    return result;
  }

  async function readLoggedOut(tweetId: string, signal?: AbortSignal): Promise<CollectResult> {
    if (preference.skipSource()) {
      // GraphQL is cooling down: syndication first, GraphQL only if syndication cannot answer.
      const syndication = await readBySyndication(tweetId, signal);
      if (isDefiniteAnswer(syndication)) return syndication;
      const graphql = await readByGraphql(tweetId, signal);
      record(GRAPHQL, graphql);
      preference.report(graphql, syndication);
      return preferDefiniteAnswer(graphql, syndication);
    }
    const graphql = await readByGraphql(tweetId, signal);
    record(GRAPHQL, graphql);
    if (isDefiniteAnswer(graphql)) {
      preference.report(graphql);
      return graphql;
    }
    const syndication = await readBySyndication(tweetId, signal);
    preference.report(graphql, syndication);
    return preferDefiniteAnswer(graphql, syndication);
  }

  return {
    platform: 'twitter',
    batchSize: bearerToken ? API_V2_MAX_IDS : 1,
    async collect(refs: readonly VideoRef[], signal?: AbortSignal): Promise<CollectResult[]> {
      try {
        const tweetIds = [...new Set(refs.map((ref) => ref.videoId).filter((id) => TWEET_ID.test(id)))];
        // Without a token there is nothing to wait for (the common case: one post per call).
        const official = bearerToken ? await readByApiV2(tweetIds, signal) : new Map<string, CollectResult>();
        const pending = tweetIds.filter((id) => {
          const result = official.get(id);
          return !result || !isDefiniteAnswer(result);
        });
        let sourceFailuresInARow = 0;
        const loggedOut = await mapWithConcurrency(pending, guestConcurrency, async (id) => {
          if (sourceFailuresInARow >= GIVE_UP_AFTER_SOURCE_FAILURES) {
            return failure('transient', 'x: not tried, the logged-out sources kept failing in this batch');
          }
          const result = await readLoggedOut(id, signal);
          sourceFailuresInARow = isSourceFailure(result) ? sourceFailuresInARow + 1 : 0;
          return result;
        });
        const final = new Map(official);
        pending.forEach((id, index) => {
          const earlier = official.get(id);
          const later = loggedOut[index]!;
          final.set(id, earlier ? preferDefiniteAnswer(earlier, later) : later);
        });
        return refs.map(
          (ref) =>
            final.get(ref.videoId) ?? failure('not_found', `not an X post id: ${ref.videoId.slice(0, 30)}`),
        );
      } catch (error) {
        // Collectors never throw; a bug here must not take the scheduler down with it.
        const reason = error instanceof Error ? error.message : String(error);
        return refs.map(() =>
          failure('transient', `x collector failed unexpectedly: ${reason.slice(0, 200)}`),
        );
      }
    },
  };
}

/** Counts, "private", or "deleted": what a further source could not improve on. */
export function isDefiniteAnswer(result: CollectResult): boolean {
  if (result.ok) return true;
  const { kind, deleted } = result.error;
  return kind === 'private' || (kind === 'not_found' && deleted === true);
}

/** The source itself failed (as opposed to answering something about the post). */
function isSourceFailure(result: CollectResult): boolean {
  return !result.ok && result.error.kind !== 'not_found' && result.error.kind !== 'private';
}

/** Combines a source's answer with the answer of the source tried after it. */
export function preferDefiniteAnswer(first: CollectResult, second: CollectResult): CollectResult {
  if (first.ok || second.ok) return first.ok ? first : second;
  if (isDefiniteAnswer(first)) return first;
  if (isDefiniteAnswer(second)) return second;
  const combined: CollectFailure = {
    ...first.error,
    message: `${first.error.message}; then ${second.error.message}`,
  };
  if (combined.kind === 'rate_limited' && combined.retryAfterMs === undefined && second.error.retryAfterMs) {
    combined.retryAfterMs = second.error.retryAfterMs;
  }
  return err(combined);
}
