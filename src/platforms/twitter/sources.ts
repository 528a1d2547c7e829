// X's sources one by one, as the collector reads them (for `contentstats doctor`): API v2 when a bearer
// token is set, the guest GraphQL API with its operation id discovered as in production, then syndication.
import type { Config } from '../../config.ts';
import type { HttpClient } from '../../http/types.ts';
import { err } from '../../result.ts';
import type { PlatformSource } from '../descriptor.ts';
import { PROVIDER as API_V2, fetchTweetsByApiV2 } from './api-v2.ts';
import { createGraphqlSource, DEFAULT_TWEET_RESULT_QUERY_ID, PROVIDER as GRAPHQL } from './graphql.ts';
import { createGuestTokenCache } from './guest-token.ts';
import { createQueryIdDiscovery } from './query-id-discovery.ts';
import { fetchTweetBySyndication, PROVIDER as SYNDICATION } from './syndication.ts';

const TIMEOUT_MS = 15_000;

export function createTwitterSources(config: Config, http: HttpClient, now: () => number): PlatformSource[] {
  const { x } = config.platformOverrides;
  const queryIds = createQueryIdDiscovery({
    http,
    now,
    timeoutMs: TIMEOUT_MS,
    operationName: 'TweetResultByRestId',
    builtIn: DEFAULT_TWEET_RESULT_QUERY_ID,
    configured: x.tweetResultByRestIdQueryId,
    enabled: x.discovery,
  });
  const readByGraphql = createGraphqlSource({
    http,
    guestTokens: createGuestTokenCache({ http, now, timeoutMs: TIMEOUT_MS }),
    now,
    queryId: () => queryIds.current().queryId,
    features: x.features,
    timeoutMs: TIMEOUT_MS,
  });
  const graphql: PlatformSource = {
    name: GRAPHQL,
    settableBy: 'X_GRAPHQL_QUERY_ID (and X_GRAPHQL_FEATURES)',
    async read(tweetId, signal) {
      if (queryIds.untried) await queryIds.refresh(signal);
      return readByGraphql(tweetId, signal);
    },
    describe() {
      const { queryId, origin, discoveredAtMs, lastProblem } = queryIds.current();
      const when = discoveredAtMs === undefined ? '' : ` ${new Date(discoveredAtMs).toISOString()}`;
      const discovery = x.discovery
        ? lastProblem
          ? `; discovery failed: ${lastProblem}`
          : ''
        : '; discovery off';
      return `operation id ${queryId} (${origin}${when}${discovery})`;
    },
  };
  const syndication: PlatformSource = {
    name: SYNDICATION,
    read: (tweetId, signal) => fetchTweetBySyndication({ http, now, timeoutMs: TIMEOUT_MS }, tweetId, signal),
  };
  const bearerToken = config.xBearerToken;
  if (!bearerToken) return [graphql, syndication];
  const apiV2: PlatformSource = {
    name: API_V2,
    async read(tweetId, signal) {
      const lookup = await fetchTweetsByApiV2(
        { http, bearerToken, now, timeoutMs: TIMEOUT_MS },
        [tweetId],
        signal,
      );
      if (!lookup.ok) return err(lookup.error);
      return (
        lookup.value.get(tweetId) ??
        err({ kind: 'format_changed', message: `${API_V2}: the post is not in the answer` })
      );
    },
  };
  return [apiV2, graphql, syndication];
}
