// YouTube Data API v3, videos.list: https://developers.google.com/youtube/v3/docs/videos/list
// One call reads up to 50 videos for 1 quota unit. Statistics are decimal strings; a count the owner
// hides (likes) or disabled (comments) is simply absent from `statistics`. Ids that are private,
// deleted or never existed are absent from `items`.

import { z } from 'zod';
import { err, ok, type Result } from '../../result.ts';
import { parseJson } from '../json-read.ts';
import { type CollectFailure, type CollectResult, failure, success } from '../types.ts';

export const YOUTUBE_DATA_API_PROVIDER = 'youtube-data-api';
/** videos.list accepts at most 50 ids per call. */
export const DATA_API_MAX_IDS = 50;
export const DATA_API_ORIGIN = 'https://www.googleapis.com';

export function videosListUrl(videoIds: readonly string[], apiKey: string): string {
  const url = new URL('/youtube/v3/videos', DATA_API_ORIGIN);
  url.searchParams.set('part', 'statistics,snippet');
  url.searchParams.set('id', videoIds.join(','));
  url.searchParams.set('maxResults', String(DATA_API_MAX_IDS));
  url.searchParams.set('key', apiKey);
  return url.toString();
}

/**
 * Every requested id has a result (an observation, `not_found`, or `format_changed` for an odd item), or the
 * call failed as a whole (quota, key, server) and nothing was learnt about any video.
 */
export type VideosListOutcome = Result<Map<string, CollectResult>, CollectFailure>;

const countString = z
  .string()
  .regex(/^\d+$/)
  .transform((digits) => BigInt(digits))
  .optional()
  .catch(undefined);
const optionalText = z.string().optional().catch(undefined);

const videoItem = z.object({
  id: z.string(),
  snippet: z
    .object({ title: optionalText, channelTitle: optionalText, description: optionalText })
    .optional()
    .catch(undefined),
  statistics: z
    .object({ viewCount: countString, likeCount: countString, commentCount: countString })
    .optional()
    .catch(undefined),
});

const videoListResponse = z.object({ items: z.array(z.unknown()) });

const errorResponse = z.object({
  error: z.object({
    code: z.number().optional().catch(undefined),
    message: z.string().optional().catch(undefined),
    errors: z
      .array(z.object({ reason: z.string().optional().catch(undefined) }).catch({ reason: undefined }))
      .optional()
      .catch(undefined),
    details: z
      .array(z.object({ reason: z.string().optional().catch(undefined) }).catch({ reason: undefined }))
      .optional()
      .catch(undefined),
  }),
});

// Quota and rate limits: the project's daily quota or a per-second limit is used up.
const QUOTA_REASONS = new Set([
  'quotaExceeded',
  'dailyLimitExceeded',
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'RATE_LIMIT_EXCEEDED',
]);
// Configuration problems: the key is wrong, expired, restricted, or the API is not enabled for its
// project. No retry fixes these and no video is at fault, so they are `blocked` — the operator must
// fix YOUTUBE_API_KEY (meanwhile the collector falls back to the watch page).
const CONFIG_REASONS = new Set([
  'keyInvalid',
  'keyExpired',
  'badRequest',
  'accessNotConfigured',
  'ipRefererBlocked',
  'forbidden',
  'API_KEY_INVALID',
  'API_KEY_SERVICE_BLOCKED',
  'API_KEY_HTTP_REFERRER_BLOCKED',
  'API_KEY_IP_ADDRESS_BLOCKED',
  'SERVICE_DISABLED',
]);

export function readVideosListResponse(
  status: number,
  body: string,
  requestedIds: readonly string[],
): VideosListOutcome {
  const json = parseJson(body);
  if (status !== 200) return err(classifyErrorResponse(status, json));

  const parsed = videoListResponse.safeParse(json);
  if (!parsed.success) {
    return err({ kind: 'format_changed', message: 'videos.list answered without items' });
  }

  const byId = new Map<string, CollectResult>();
  for (const raw of parsed.data.items) {
    const item = videoItem.safeParse(raw);
    if (item.success) byId.set(item.data.id, itemResult(item.data));
  }
  const results = new Map<string, CollectResult>();
  for (const id of requestedIds) {
    results.set(
      id,
      byId.get(id) ??
        failure('not_found', 'The Data API does not return this video (deleted, private or never existed)'),
    );
  }
  return ok(results);
}

function itemResult(item: z.infer<typeof videoItem>): CollectResult {
  const statistics = item.statistics;
  const views = statistics?.viewCount ?? null;
  const likes = statistics?.likeCount ?? null;
  const comments = statistics?.commentCount ?? null;
  if (views === null && likes === null && comments === null) {
    return failure('format_changed', 'The Data API returned the video without statistics');
  }
  return success({
    metrics: { views, likes, comments, shares: null, saves: null },
    metadata: {
      title: item.snippet?.title ?? null,
      creator: item.snippet?.channelTitle ?? null,
      description: item.snippet?.description ?? null,
    },
    provider: YOUTUBE_DATA_API_PROVIDER,
  });
}

function classifyErrorResponse(status: number, json: unknown): CollectFailure {
  const parsed = errorResponse.safeParse(json);
  const error = parsed.success ? parsed.data.error : undefined;
  const reasons = [...(error?.errors ?? []), ...(error?.details ?? [])]
    .map((entry) => entry.reason)
    .filter((reason): reason is string => reason !== undefined);
  const said = reasons.length > 0 ? ` (${reasons.join(', ')})` : '';

  if (status === 429 || reasons.some((reason) => QUOTA_REASONS.has(reason))) {
    return { kind: 'rate_limited', message: `YouTube Data API quota or rate limit exceeded${said}` };
  }
  if (status >= 500) return { kind: 'transient', message: `YouTube Data API answered ${status}${said}` };
  if (
    reasons.some((reason) => CONFIG_REASONS.has(reason)) ||
    status === 400 ||
    status === 401 ||
    status === 403
  ) {
    return { kind: 'blocked', message: `YouTube Data API refused the key (HTTP ${status})${said}` };
  }
  return { kind: 'format_changed', message: `YouTube Data API answered HTTP ${status}${said}` };
}
