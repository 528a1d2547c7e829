import type { HttpClient } from '../../http/types.ts';
import { err } from '../../result.ts';
import { classifyHttpStatus, outboundFailure } from '../http-failure.ts';
import { asRecord, asString, at, parseJson } from '../json-read.ts';
import { type CollectResult, failure, success } from '../types.ts';
import { countFromNumber } from './counts.ts';
import { TWITTER_HOSTS } from './hosts.ts';
import { X_HTTP_STATUSES } from './http-statuses.ts';
import { tweetMetadata } from './tweet-metadata.ts';
import { failureFromTombstone } from './unavailable-tweet.ts';

// cdn.syndication.twimg.com/tweet-result is what embedded posts (publish.twitter.com, react-tweet) read. It
// needs no login, but is a cache and gives fewer counts: likes (`favorite_count`) and replies
// (`conversation_count`); no views, reposts, quotes or bookmarks — those stay null.

export const PROVIDER = 'x-syndication';

/**
 * The `token` query parameter the endpoint expects, derived from the post id: id / 10^15 × π written in
 * base 36, with its point and every run of zeros removed. (The float is imprecise for 19-digit ids; the
 * server computes it the same imprecise way, so it must not be "fixed".)
 */
export function syndicationToken(tweetId: string): string {
  const scaled = (Number(tweetId) / 1e15) * Math.PI;
  return scaled.toString(36).replace(/(0+|\.)/g, '');
}

export function syndicationUrl(tweetId: string): string {
  const url = new URL('https://cdn.syndication.twimg.com/tweet-result');
  url.searchParams.set('id', tweetId);
  url.searchParams.set('token', syndicationToken(tweetId));
  url.searchParams.set('lang', 'en');
  return url.toString();
}

export function parseSyndicationTweet(body: string, tweetId: string): CollectResult {
  const parsed = parseJson(body);
  if (parsed === undefined) return failure('format_changed', `${PROVIDER}: not JSON`);
  const tweet = asRecord(parsed);
  if (!tweet) return failure('format_changed', `${PROVIDER}: not an object`);
  // An empty object is how the endpoint answers an id it has nothing for, alongside 404.
  if (Object.keys(tweet).length === 0) return failure('not_found', `${PROVIDER}: empty answer`);

  const typename = asString(tweet['__typename']);
  if (typename === 'TweetTombstone') {
    return err(failureFromTombstone(PROVIDER, asString(at(tweet, 'tombstone', 'text', 'text')) ?? null));
  }
  if (typename !== undefined && typename !== 'Tweet') {
    return failure('format_changed', `${PROVIDER}: unknown type ${typename}`);
  }
  const idStr = asString(tweet['id_str']);
  if (idStr !== undefined && idStr !== tweetId)
    return failure('format_changed', `${PROVIDER}: answered for another post`);

  const metrics = {
    views: null,
    likes: countFromNumber(tweet['favorite_count']),
    comments: countFromNumber(tweet['conversation_count']),
    shares: null,
    saves: null,
  };
  if (metrics.likes === null && metrics.comments === null) {
    return failure('format_changed', `${PROVIDER}: post without any count`);
  }
  const metadata = tweetMetadata(
    asString(tweet['text']) ?? null,
    asString(at(tweet, 'user', 'screen_name')) ?? null,
  );
  return success({ metrics, metadata, provider: PROVIDER });
}

export interface SyndicationSourceOptions {
  http: HttpClient;
  now: () => number;
  timeoutMs: number;
}

// Frozen, so the HTTP client merges it with its defaults once.
const JSON_ONLY = Object.freeze({ accept: 'application/json' });

export async function fetchTweetBySyndication(
  options: SyndicationSourceOptions,
  tweetId: string,
  signal?: AbortSignal,
): Promise<CollectResult> {
  const url = syndicationUrl(tweetId);
  const outbound = await options.http.fetch({
    url,
    headers: JSON_ONLY,
    allowedHosts: TWITTER_HOSTS,
    maxRedirects: 0,
    timeoutMs: options.timeoutMs,
    maxBodyBytes: 2 * 1024 * 1024,
    ...(signal ? { signal } : {}),
  });
  if (!outbound.ok) return err(outboundFailure(PROVIDER, outbound.error, url));
  const response = outbound.value;
  const common = classifyHttpStatus(PROVIDER, response, options.now(), X_HTTP_STATUSES);
  if (common) return err(common);
  // 404 covers deleted, protected and never-existing posts alike; it does not say which.
  if (response.status === 404) return failure('not_found', `${PROVIDER}: HTTP 404`);
  if (response.status !== 200) return failure('blocked', `${PROVIDER}: HTTP ${response.status}`);
  return parseSyndicationTweet(response.body, tweetId);
}
