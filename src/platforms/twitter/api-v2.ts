import type { HttpClient } from '../../http/types.ts';
import { err, ok, type Result } from '../../result.ts';
import { classifyHttpStatus, outboundFailure } from '../http-failure.ts';
import { asArray, asRecord, asString, at, parseJson } from '../json-read.ts';
import { type CollectFailure, type CollectResult, failure, success } from '../types.ts';
import { countFromNumber, sumOfCounts } from './counts.ts';
import { TWITTER_HOSTS } from './hosts.ts';
import { X_HTTP_STATUSES } from './http-statuses.ts';
import { tweetMetadata } from './tweet-metadata.ts';

// The official X API v2 tweet lookup (used when X_BEARER_TOKEN is configured): up to 100 ids a request.
// A missing or hidden post does not fail the request: it answers 200 with the post left out of `data` and
// an entry for its id in `errors`.

export const PROVIDER = 'x-api-v2';
export const API_V2_MAX_IDS = 100;

export function tweetsLookupUrl(tweetIds: readonly string[]): string {
  const url = new URL('https://api.x.com/2/tweets');
  url.searchParams.set('ids', tweetIds.join(','));
  url.searchParams.set('tweet.fields', 'public_metrics,author_id,text,created_at');
  url.searchParams.set('expansions', 'author_id');
  url.searchParams.set('user.fields', 'username');
  return url.toString();
}

/** Either one result per requested id, or a failure of the request as a whole (no id was answered). */
export type TweetsLookup = Result<ReadonlyMap<string, CollectResult>, CollectFailure>;

export function parseTweetsLookup(body: string, tweetIds: readonly string[]): TweetsLookup {
  const parsed = parseJson(body);
  if (parsed === undefined) return err({ kind: 'format_changed', message: `${PROVIDER}: not JSON` });
  const data = at(parsed, 'data');
  const errors = at(parsed, 'errors');
  if (!Array.isArray(data) && !Array.isArray(errors)) {
    return err({ kind: 'format_changed', message: `${PROVIDER}: neither data nor errors` });
  }

  const usernames = new Map<string, string>();
  for (const user of asArray(at(parsed, 'includes', 'users'))) {
    const id = asString(at(user, 'id'));
    const username = asString(at(user, 'username'));
    if (id !== undefined && username !== undefined) usernames.set(id, username);
  }
  const tweets = new Map<string, Record<string, unknown>>();
  for (const tweet of asArray(data)) {
    const record = asRecord(tweet);
    const id = asString(record?.['id']);
    if (record && id !== undefined) tweets.set(id, record);
  }
  const problems = new Map<string, Record<string, unknown>>();
  for (const problem of asArray(errors)) {
    const record = asRecord(problem);
    const id = asString(record?.['resource_id']) ?? asString(record?.['value']);
    if (record && id !== undefined) problems.set(id, record);
  }

  const results = new Map<string, CollectResult>();
  for (const id of tweetIds) {
    const tweet = tweets.get(id);
    const problem = problems.get(id);
    if (tweet) results.set(id, readTweet(tweet, usernames));
    else if (problem) results.set(id, err(failureFromProblem(problem)));
    else results.set(id, failure('format_changed', `${PROVIDER}: id missing from the answer`));
  }
  return ok(results);
}

function readTweet(tweet: Record<string, unknown>, usernames: ReadonlyMap<string, string>): CollectResult {
  const publicMetrics = asRecord(tweet['public_metrics']);
  if (!publicMetrics) return failure('format_changed', `${PROVIDER}: post without public_metrics`);
  const likes = countFromNumber(publicMetrics['like_count']);
  const comments = countFromNumber(publicMetrics['reply_count']);
  const retweets = countFromNumber(publicMetrics['retweet_count']);
  const quotes = countFromNumber(publicMetrics['quote_count']);
  const saves = countFromNumber(publicMetrics['bookmark_count']);
  let views = countFromNumber(publicMetrics['impression_count']);
  // Posts from before X counted views (late 2022) report impression_count 0. A post that was liked, replied
  // to or reposted has been seen, so a 0 there means "not counted", which we record as unknown.
  const engaged = [likes, comments, retweets, quotes].some((count) => count !== null && count > 0n);
  if (views === 0n && engaged) views = null;

  const metrics = { views, likes, comments, shares: sumOfCounts(retweets, quotes), saves };
  if (Object.values(metrics).every((count) => count === null)) {
    return failure('format_changed', `${PROVIDER}: post without any count`);
  }
  const authorId = asString(tweet['author_id']);
  const creator = authorId === undefined ? null : (usernames.get(authorId) ?? null);
  return success({
    metrics,
    metadata: tweetMetadata(asString(tweet['text']) ?? null, creator),
    provider: PROVIDER,
  });
}

// Per-id problems, e.g. {"title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found",
// "resource_id":"…","detail":"Could not find tweet with ids: […]."}.
function failureFromProblem(problem: Record<string, unknown>): CollectFailure {
  const title = asString(problem['title']) ?? '';
  const type = asString(problem['type']) ?? '';
  if (title === 'Not Found Error' || type.endsWith('/resource-not-found')) {
    return { kind: 'not_found', deleted: true, message: `${PROVIDER}: post not found` };
  }
  if (title === 'Authorization Error' || type.endsWith('/not-authorized-for-resource')) {
    return { kind: 'private', message: `${PROVIDER}: post from a protected account` };
  }
  // The author is suspended: the post still exists but nobody may read it.
  if (type.endsWith('/resource-unavailable')) {
    return { kind: 'private', message: `${PROVIDER}: post unavailable (${title || 'no title'})` };
  }
  return {
    kind: 'format_changed',
    message: `${PROVIDER}: unknown problem for this id (${title || type || '?'})`,
  };
}

export interface ApiV2SourceOptions {
  http: HttpClient;
  bearerToken: string;
  now: () => number;
  timeoutMs: number;
}

export async function fetchTweetsByApiV2(
  options: ApiV2SourceOptions,
  tweetIds: readonly string[],
  signal?: AbortSignal,
): Promise<TweetsLookup> {
  const url = tweetsLookupUrl(tweetIds);
  const outbound = await options.http.fetch({
    url,
    headers: { authorization: `Bearer ${options.bearerToken}`, accept: 'application/json' },
    allowedHosts: TWITTER_HOSTS,
    maxRedirects: 0,
    timeoutMs: options.timeoutMs,
    maxBodyBytes: 8 * 1024 * 1024,
    ...(signal ? { signal } : {}),
  });
  if (!outbound.ok) return err(outboundFailure(PROVIDER, outbound.error, url));
  const response = outbound.value;
  const common = classifyHttpStatus(PROVIDER, response, options.now(), X_HTTP_STATUSES);
  if (common) return err(common);
  if (response.status === 401 || response.status === 402 || response.status === 403) {
    // A configuration problem, not a verdict on any post: the token is wrong or revoked (401), its app is not
    // attached to a project with tweet-read access (403 client-not-enrolled), or its credits ran out (402).
    const message = `${PROVIDER}: X_BEARER_TOKEN refused (HTTP ${response.status}); check the token and its plan`;
    return err({ kind: 'blocked', message });
  }
  if (response.status === 400) {
    return err({ kind: 'format_changed', message: `${PROVIDER}: request refused (HTTP 400)` });
  }
  if (response.status !== 200) {
    return err({ kind: 'blocked', message: `${PROVIDER}: HTTP ${response.status}` });
  }
  return parseTweetsLookup(response.body, tweetIds);
}
