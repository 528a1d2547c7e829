// The TikTok collector: one public web page per video (source `tiktok-web`), read with a browser's TLS
// fingerprint because TikTok turns plain Node clients away at the edge.

import type { HttpClient } from '../../http/types.ts';
import { err } from '../../result.ts';
import { collectOneByOne } from '../collect-one-by-one.ts';
import { classifyHttpStatus, outboundFailure } from '../http-failure.ts';
import { outcomeOf, type RecordAttempt } from '../source-attempts.ts';
import type { Collector, CollectResult, VideoRef } from '../types.ts';
import { TIKTOK_HOSTS } from './hosts.ts';
import { TIKTOK_HTTP_STATUSES } from './http-statuses.ts';
import { parseVideoPage } from './parse-video-page.ts';
import { resolveTikTokShortLink } from './short-link.ts';
import { tiktokCanonicalUrl } from './url.ts';

export interface TikTokCollectorOptions {
  http: HttpClient;
  /** Per request; the client's default when absent. */
  timeoutMs?: number;
  /** Milliseconds since the epoch, for Retry-After dates. */
  now?: () => number;
  recordAttempt?: RecordAttempt;
}

export const TIKTOK_WEB_SOURCE = 'tiktok-web';

/** TikTok sometimes bounces `/@_/video/ID` to the author's own path; more than this is a loop. */
const PAGE_MAX_REDIRECTS = 3;

export function createTikTokCollector(options: TikTokCollectorOptions): Collector {
  const now = options.now ?? Date.now;

  async function collectOne(ref: VideoRef, signal: AbortSignal | undefined): Promise<CollectResult> {
    const result = await readVideoPage(ref.videoId, signal);
    options.recordAttempt?.('tiktok', TIKTOK_WEB_SOURCE, outcomeOf(result));
    return result;
  }

  async function readVideoPage(videoId: string, signal: AbortSignal | undefined): Promise<CollectResult> {
    const url = tiktokCanonicalUrl(videoId);
    const result = await options.http.fetch({
      url,
      allowedHosts: TIKTOK_HOSTS,
      maxRedirects: PAGE_MAX_REDIRECTS,
      impersonateBrowser: true,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(signal ? { signal } : {}),
    });
    if (!result.ok) return err(outboundFailure('TikTok', result.error, url));
    const httpFailure = classifyHttpStatus('TikTok', result.value, now(), TIKTOK_HTTP_STATUSES);
    if (httpFailure) return err(httpFailure);
    return parseVideoPage(result.value, videoId);
  }

  return {
    platform: 'tiktok',
    batchSize: 1,
    collect: (refs, signal) => collectOneByOne('TikTok', refs, (ref) => collectOne(ref, signal)),
    async resolveShortLink(shortUrl, signal) {
      try {
        return await resolveTikTokShortLink(shortUrl, {
          http: options.http,
          now,
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        return err({
          kind: 'transient',
          message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    },
  };
}
