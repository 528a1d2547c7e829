// Fetching one watch page and turning the answer into a CollectResult. Redirects are not followed
// blindly: where YouTube sends us is itself the signal (a consent wall, Google's unusual-traffic page,
// a sign-in page). Only hops inside YouTube's own hosts are followed.

import type { HttpClient } from '../../http/types.ts';
import { err } from '../../result.ts';
import { classifyHttpStatus, outboundFailure } from '../http-failure.ts';
import { type CollectResult, failure } from '../types.ts';
import { YOUTUBE_HTTP_STATUSES } from './http-statuses.ts';
import { parseWatchPage } from './watch-page.ts';

export const YOUTUBE_WEB_HOSTS = ['www.youtube.com', 'youtube.com', 'm.youtube.com'] as const;

const MAX_YOUTUBE_HOPS = 2;
/** Real watch pages are 1–2 MB; far more means something else was served. */
const WATCH_PAGE_MAX_BYTES = 8 * 1024 * 1024;

const WATCH_PAGE_HEADERS: Record<string, string> = {
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'Accept-Language': 'en-US,en;q=0.9',
  // SOCS=CAI answers the EU cookie-consent question (otherwise www.youtube.com redirects to
  // consent.youtube.com); PREF hl=en keeps the labels we parse ("2.5M", "Private video") in English.
  Cookie: 'SOCS=CAI; PREF=hl=en&tz=UTC',
};

export const watchPageUrl = (videoId: string): string =>
  `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}&hl=en`;

export interface WatchPageFetch {
  http: HttpClient;
  timeoutMs: number;
  now: () => number;
  signal?: AbortSignal;
}

export async function collectFromWatchPage(
  videoId: string,
  fetchOptions: WatchPageFetch,
): Promise<CollectResult> {
  const { http, timeoutMs, now, signal } = fetchOptions;
  let url = watchPageUrl(videoId);
  for (let hop = 0; ; hop++) {
    const result = await http.fetch({
      url,
      method: 'GET',
      headers: WATCH_PAGE_HEADERS,
      allowedHosts: YOUTUBE_WEB_HOSTS,
      maxRedirects: 0,
      timeoutMs,
      maxBodyBytes: WATCH_PAGE_MAX_BYTES,
      impersonateBrowser: true,
      ...(signal ? { signal } : {}),
    });
    if (!result.ok) return err(outboundFailure('YouTube', result.error, url));
    const response = result.value;

    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.location;
      const target = location ? safeUrl(location, response.finalUrl) : undefined;
      if (!target)
        return failure('format_changed', `YouTube answered ${response.status} without a usable Location`);
      const isYouTubeHop = (YOUTUBE_WEB_HOSTS as readonly string[]).includes(target.hostname);
      if (isYouTubeHop && hop < MAX_YOUTUBE_HOPS) {
        url = target.toString();
        continue;
      }
      return classifyRedirect(target);
    }
    const refused = classifyHttpStatus('YouTube', response, now(), YOUTUBE_HTTP_STATUSES);
    if (refused) return err(refused);
    // The bytes, not the text: the page is a megabyte, and only its two objects need decoding.
    return parseWatchPage(response.bodyBytes ?? response.body, videoId);
  }
}

function classifyRedirect(target: URL): CollectResult {
  const host = target.hostname;
  if (host.startsWith('consent.')) {
    return failure('blocked', 'YouTube redirected to its cookie-consent wall (consent.youtube.com)');
  }
  if (host.endsWith('google.com') && target.pathname.startsWith('/sorry')) {
    // Google's "unusual traffic from your computer network" page: too many requests from this address.
    return failure('rate_limited', "YouTube redirected to Google's unusual-traffic page");
  }
  if (host === 'accounts.google.com')
    return failure('blocked', 'YouTube redirected to a Google sign-in page');
  return failure('blocked', `YouTube redirected to ${host}`);
}

function safeUrl(location: string, base: string): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}
