// vm.tiktok.com/CODE/, vt.tiktok.com/CODE/ and www.tiktok.com/t/CODE/ only say which video they mean by
// redirecting. Each hop is requested without following, so the Location can be judged here: stop as soon
// as it names a video, refuse anything outside TikTok's hosts, and never download the video page itself.

import type { HttpClient } from '../../http/types.ts';
import { err, ok, type Result } from '../../result.ts';
import { classifyHttpStatus, outboundFailure } from '../http-failure.ts';
import type { CollectFailure, VideoRef } from '../types.ts';
import { TIKTOK_HOSTS } from './hosts.ts';
import { TIKTOK_HTTP_STATUSES } from './http-statuses.ts';
import { parseTikTokLink } from './url.ts';

export const MAX_SHORT_LINK_HOPS = 5;
/** Redirect answers are tiny; anything big is a page, and we only need its status. */
const HOP_MAX_BODY_BYTES = 512 * 1024;

export type ShortLinkResult = Result<VideoRef, CollectFailure>;

export interface ShortLinkOptions {
  http: HttpClient;
  now: () => number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const refused = (kind: CollectFailure['kind'], message: string): ShortLinkResult => err({ kind, message });

export async function resolveTikTokShortLink(
  shortUrl: string,
  options: ShortLinkOptions,
): Promise<ShortLinkResult> {
  const parsed = parseTikTokLink(shortUrl);
  if (parsed.kind === 'video') return ok(parsed.ref);
  if (parsed.kind !== 'short_link') {
    return refused('not_found', 'not a TikTok short link');
  }

  let current = parsed.shortUrl;
  for (let hop = 0; hop < MAX_SHORT_LINK_HOPS; hop++) {
    const result = await options.http.fetch({
      url: current,
      allowedHosts: TIKTOK_HOSTS,
      maxRedirects: 0,
      maxBodyBytes: HOP_MAX_BODY_BYTES,
      impersonateBrowser: true,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!result.ok) return err(outboundFailure('TikTok', result.error, current));
    const response = result.value;
    const location = response.headers['location'];
    if (response.status < 300 || response.status >= 400 || location === undefined) {
      const failed = classifyHttpStatus('TikTok', response, options.now(), TIKTOK_HTTP_STATUSES);
      // A page instead of a redirect: TikTok shows its home or an error page for a dead code.
      return err(failed ?? { kind: 'not_found', message: 'the short link does not lead to a video' });
    }

    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      return refused('format_changed', 'the short link redirected to an unreadable location');
    }
    if (
      !TIKTOK_HOSTS.includes(next.host.toLowerCase()) ||
      (next.protocol !== 'https:' && next.protocol !== 'http:')
    ) {
      // Never followed: a short link is only trusted while it stays on TikTok. TikTok has not said the
      // video is missing (a dead code lands on a TikTok page), so this is a refusal to read, like an
      // off-site redirect of the video page: `blocked`, not a 404 that idempotency would replay for a day.
      return refused('blocked', `the short link leads outside TikTok (${next.host})`);
    }
    if (/^\/login(\/|$)/.test(next.pathname))
      return refused('rate_limited', 'TikTok answered with its login wall');
    const target = parseTikTokLink(next.href);
    if (target.kind === 'video') return ok(target.ref);
    current = next.href;
  }
  // Endless redirects between TikTok's own hosts are a cookie/bot loop, not a property of the video.
  return refused('blocked', `the short link kept redirecting after ${MAX_SHORT_LINK_HOPS} hops`);
}
