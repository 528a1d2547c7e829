import type { HttpClient } from '../../http/types.ts';
import { err } from '../../result.ts';
import { classifyHttpStatus, outboundFailure } from '../http-failure.ts';
import { asArray, asRecord, asString, at, parseJson } from '../json-read.ts';
import { type CollectFailure, type CollectResult, failure, success } from '../types.ts';
import { countFromDecimalString, countFromNumber, sumOfCounts } from './counts.ts';
import { type GuestTokenCache, WEB_APP_XHR_HEADERS, X_WEB_APP_BEARER } from './guest-token.ts';
import { TWITTER_HOSTS } from './hosts.ts';
import { X_HTTP_STATUSES } from './http-statuses.ts';
import { tweetMetadata } from './tweet-metadata.ts';
import { failureFromTombstone, failureFromUnavailableReason } from './unavailable-tweet.ts';

// The x.com web app reads a single post with the GraphQL operation TweetResultByRestId, which also answers
// logged-out readers holding a guest token. The operation id in the path changes when X redeploys the web
// app (an old one then answers 404), and X answers 400 when a feature flag it now requires is missing:
// both are reported as format_changed and the collector falls back to the syndication endpoint. Both are
// data: the id can be discovered (query-id-discovery.ts) or set by the operator, and so can the flags.

export const PROVIDER = 'x-graphql';
export const DEFAULT_TWEET_RESULT_QUERY_ID = 'zAz9764BcLZOJ0JU2wrd1A';

export const DEFAULT_FEATURES: Readonly<Record<string, boolean>> = {
  creator_subscriptions_tweet_preview_api_enabled: true,
  premium_content_api_read_enabled: false,
  communities_web_enable_tweet_community_results_fetch: true,
  c9s_tweet_anatomy_moderator_badge_enabled: true,
  responsive_web_grok_analyze_button_fetch_trends_enabled: false,
  responsive_web_grok_analyze_post_followups_enabled: false,
  responsive_web_jetfuel_frame: false,
  responsive_web_grok_share_attachment_enabled: true,
  articles_preview_enabled: true,
  responsive_web_edit_tweet_api_enabled: true,
  graphql_is_translatable_rweb_tweet_is_translatable_enabled: true,
  view_counts_everywhere_api_enabled: true,
  longform_notetweets_consumption_enabled: true,
  responsive_web_twitter_article_tweet_consumption_enabled: true,
  tweet_awards_web_tipping_enabled: false,
  responsive_web_grok_show_grok_translated_post: false,
  responsive_web_grok_analysis_button_from_backend: false,
  creator_subscriptions_quote_tweet_preview_enabled: false,
  freedom_of_speech_not_reach_fetch_enabled: true,
  standardized_nudges_misinfo: true,
  tweet_with_visibility_results_prefer_gql_limited_actions_policy_enabled: true,
  longform_notetweets_rich_text_read_enabled: true,
  longform_notetweets_inline_media_enabled: true,
  payments_enabled: false,
  profile_label_improvements_pcf_label_in_post_enabled: true,
  rweb_tipjar_consumption_enabled: true,
  verified_phone_label_enabled: false,
  responsive_web_grok_image_annotation_enabled: true,
  responsive_web_graphql_skip_user_profile_image_extensions_enabled: false,
  responsive_web_graphql_timeline_navigation_enabled: true,
  responsive_web_enhance_cards_enabled: false,
};

// The feature flags and field toggles never change between calls: encoded once, not per request.
function fixedQuery(features: Readonly<Record<string, boolean>>): string {
  return new URLSearchParams({
    features: JSON.stringify(features),
    fieldToggles: JSON.stringify({ withArticleRichContentState: false }),
  }).toString();
}
const DEFAULT_FIXED_QUERY = fixedQuery(DEFAULT_FEATURES);

function variablesParam(tweetId: string): string {
  return new URLSearchParams({
    variables: JSON.stringify({
      tweetId,
      withCommunity: false,
      includePromotedContent: false,
      withVoice: false,
    }),
  }).toString();
}

// Post ids are digits, which neither JSON nor the query encoding change: the encoded variables around the
// id are computed once (with a letters-only stand-in for the id) and the id put between them.
const ID_STAND_IN = 'TWEETID';
const [VARIABLES_BEFORE_ID, VARIABLES_AFTER_ID] = variablesParam(ID_STAND_IN).split(ID_STAND_IN);
const DIGITS = /^\d+$/;

function operationUrlPrefix(queryId: string): string {
  return `https://api.x.com/graphql/${encodeURIComponent(queryId)}/TweetResultByRestId?`;
}

function tweetResultUrl(prefix: string, tweetId: string, fixed: string): string {
  const variables = DIGITS.test(tweetId)
    ? `${VARIABLES_BEFORE_ID}${tweetId}${VARIABLES_AFTER_ID}`
    : variablesParam(tweetId);
  return `${prefix}${variables}&${fixed}`;
}

export function tweetResultByRestIdUrl(tweetId: string, queryId: string): string {
  return tweetResultUrl(operationUrlPrefix(queryId), tweetId, DEFAULT_FIXED_QUERY);
}

// Error codes X puts in `errors[].code` (shared with its REST API).
const ERROR_NO_STATUS = 144;
const ERROR_RATE_LIMITED = 88;
const ERROR_NOT_AUTHORIZED_FOR_STATUS = 179;
const ERROR_USER_SUSPENDED = 63;
const ERROR_BAD_GUEST_TOKEN = 239;

function errorCodes(value: unknown): number[] {
  return asArray(at(value, 'errors'))
    .map((error) => at(error, 'code') ?? at(error, 'extensions', 'code'))
    .filter((code): code is number => typeof code === 'number');
}

/** Reads a TweetResultByRestId answer (HTTP 200) into counts or the reason there are none. */
export function parseTweetResultByRestId(body: string, tweetId: string): CollectResult {
  const parsed = parseJson(body);
  if (parsed === undefined) return failure('format_changed', `${PROVIDER}: not JSON`);
  const result = asRecord(at(parsed, 'data', 'tweetResult', 'result'));
  if (result) return readTweetResult(result, tweetId);

  const codes = errorCodes(parsed);
  if (codes.includes(ERROR_NO_STATUS)) {
    return failure('not_found', `${PROVIDER}: no status with that id`, { deleted: true });
  }
  if (codes.includes(ERROR_RATE_LIMITED)) return failure('rate_limited', `${PROVIDER}: rate limit exceeded`);
  if (codes.includes(ERROR_BAD_GUEST_TOKEN)) return failure('blocked', `${PROVIDER}: guest token refused`);
  if (codes.includes(ERROR_NOT_AUTHORIZED_FOR_STATUS) || codes.includes(ERROR_USER_SUSPENDED)) {
    return failure('private', `${PROVIDER}: not authorized to see this post`);
  }
  // `{"data":{}}` or `{"data":{"tweetResult":{}}}`: X has no post to show a logged-out reader under this id.
  // It does not say why, so this is not known to be a deletion.
  if (asRecord(at(parsed, 'data'))) return failure('not_found', `${PROVIDER}: empty result`);
  return failure('format_changed', `${PROVIDER}: neither data nor a known error`);
}

function readTweetResult(result: Record<string, unknown>, tweetId: string): CollectResult {
  const typename = asString(result['__typename']);
  switch (typename) {
    case 'Tweet':
      return readTweet(result, tweetId);
    case 'TweetWithVisibilityResults': {
      // A post with limits on replies or reach: the post itself sits one level down.
      const tweet = asRecord(result['tweet']);
      return tweet
        ? readTweet(tweet, tweetId)
        : failure('format_changed', `${PROVIDER}: visibility wrapper empty`);
    }
    case 'TweetTombstone':
      return err(failureFromTombstone(PROVIDER, asString(at(result, 'tombstone', 'text', 'text')) ?? null));
    case 'TweetUnavailable':
      return err(failureFromUnavailableReason(PROVIDER, asString(result['reason']) ?? null));
    default:
      return failure('format_changed', `${PROVIDER}: unknown result type ${typename ?? '(none)'}`);
  }
}

function readTweet(tweet: Record<string, unknown>, tweetId: string): CollectResult {
  const restId = asString(tweet['rest_id']);
  if (restId !== undefined && restId !== tweetId) {
    return failure('format_changed', `${PROVIDER}: answered for another post`);
  }
  const legacy = asRecord(tweet['legacy']);
  if (!legacy) return failure('format_changed', `${PROVIDER}: post without legacy fields`);

  // `views.count` is only meaningful with state EnabledWithCount; posts from before view counting (late 2022)
  // say "Enabled" and carry no count, which means unknown, not zero.
  const views =
    at(tweet, 'views', 'state') === 'EnabledWithCount'
      ? countFromDecimalString(at(tweet, 'views', 'count'))
      : null;
  const metrics = {
    views,
    likes: countFromNumber(legacy['favorite_count']),
    comments: countFromNumber(legacy['reply_count']),
    shares: sumOfCounts(countFromNumber(legacy['retweet_count']), countFromNumber(legacy['quote_count'])),
    saves: countFromNumber(legacy['bookmark_count']),
  };
  if (Object.values(metrics).every((count) => count === null)) {
    return failure('format_changed', `${PROVIDER}: post without any count`);
  }

  const user = at(tweet, 'core', 'user_results', 'result');
  // Mid-2025 X moved screen_name from the user's `legacy` to its `core`; read either.
  const creator = asString(at(user, 'core', 'screen_name')) ?? asString(at(user, 'legacy', 'screen_name'));
  // Posts over 280 characters ("note tweets") carry the whole text apart; legacy.full_text is cut with "…".
  const text =
    asString(at(tweet, 'note_tweet', 'note_tweet_results', 'result', 'text')) ??
    asString(legacy['full_text']);
  return success({ metrics, metadata: tweetMetadata(text ?? null, creator ?? null), provider: PROVIDER });
}

export interface GraphqlSourceOptions {
  http: HttpClient;
  guestTokens: GuestTokenCache;
  now: () => number;
  /** The operation id to use now (it may change while the service runs). */
  queryId: () => string;
  /** Feature flags laid over DEFAULT_FEATURES (the operator's, for a flag X began to require). */
  features?: Readonly<Record<string, boolean>> | undefined;
  timeoutMs: number;
}

export type GraphqlSource = (tweetId: string, signal?: AbortSignal) => Promise<CollectResult>;

/** Reads one post at a time through the guest GraphQL API. */
export function createGraphqlSource(options: GraphqlSourceOptions): GraphqlSource {
  const fixed = options.features
    ? fixedQuery({ ...DEFAULT_FEATURES, ...options.features })
    : DEFAULT_FIXED_QUERY;
  let prefix = { queryId: '', value: '' };
  const urlPrefix = () => {
    const queryId = options.queryId();
    if (prefix.queryId !== queryId) prefix = { queryId, value: operationUrlPrefix(queryId) };
    return prefix.value;
  };
  // One frozen headers object per guest token (a token serves many requests), which the HTTP client merges
  // with its defaults once instead of per request.
  let headers: { token: string; value: Readonly<Record<string, string>> } | undefined;
  const headersFor = (token: string) => {
    if (headers?.token !== token) {
      const value = Object.freeze({
        ...WEB_APP_XHR_HEADERS,
        authorization: X_WEB_APP_BEARER,
        'x-guest-token': token,
        'content-type': 'application/json',
      });
      headers = { token, value };
    }
    return headers.value;
  };
  return (tweetId, signal) =>
    fetchTweetByGraphql(options, tweetResultUrl(urlPrefix(), tweetId, fixed), headersFor, tweetId, signal);
}

/** One post through the guest GraphQL API; a refused guest token is renewed once and the request repeated. */
async function fetchTweetByGraphql(
  options: GraphqlSourceOptions,
  url: string,
  headersFor: (token: string) => Readonly<Record<string, string>>,
  tweetId: string,
  signal?: AbortSignal,
): Promise<CollectResult> {
  let lastRefusal: CollectFailure | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    const guest = await options.guestTokens.get(signal);
    if (!guest.ok) return err(guest.error);
    const outbound = await options.http.fetch({
      url,
      headers: headersFor(guest.value),
      allowedHosts: TWITTER_HOSTS,
      maxRedirects: 0,
      timeoutMs: options.timeoutMs,
      maxBodyBytes: 2 * 1024 * 1024,
      ...(signal ? { signal } : {}),
    });
    if (!outbound.ok) return err(outboundFailure(PROVIDER, outbound.error, url));
    const response = outbound.value;

    // An expired or distrusted guest token is answered 401/403 (error 239 "Bad guest token").
    const tokenRefused =
      response.status === 401 ||
      response.status === 403 ||
      (response.status !== 200 && errorCodes(parseJson(response.body)).includes(ERROR_BAD_GUEST_TOKEN));
    if (tokenRefused) {
      options.guestTokens.invalidate(guest.value);
      lastRefusal = {
        kind: 'blocked',
        message: `${PROVIDER}: guest token refused (HTTP ${response.status})`,
      };
      continue;
    }
    // Guest tokens carry their own small request budget; after a 429 the next call should start with a fresh one.
    if (response.status === 429) options.guestTokens.invalidate(guest.value);
    const common = classifyHttpStatus(PROVIDER, response, options.now(), X_HTTP_STATUSES);
    if (common) return err(common);
    if (response.status === 400 || response.status === 404) {
      return failure(
        'format_changed',
        `${PROVIDER}: HTTP ${response.status} (operation id or features out of date)`,
      );
    }
    if (response.status !== 200) return failure('blocked', `${PROVIDER}: HTTP ${response.status}`);
    return parseTweetResultByRestId(response.body, tweetId);
  }
  return err(lastRefusal ?? { kind: 'blocked', message: `${PROVIDER}: guest token refused` });
}
