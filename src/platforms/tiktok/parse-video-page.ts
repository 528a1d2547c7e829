// Turns one fetched video page (its final URL and HTML) into an observation or a classified failure.
// Never invents a number: a count that is not there is null, and a page with no count at all is a
// format change, not a video with zero views.

import { isRecord } from '../json-read.ts';
import { type CollectResult, failure, success } from '../types.ts';
import { TIKTOK_WEB_SOURCE } from './hosts.ts';
import { looksLikeChallenge, readRehydrationScope } from './rehydration-script.ts';
import { parseTikTokLink } from './url.ts';
import { readVideoCounts } from './video-counts.ts';
import { readVideoMetadata } from './video-metadata.ts';
import { classifyVideoStatus } from './video-status.ts';

export interface FetchedPage {
  /** Where the redirects ended, in real-platform terms. */
  finalUrl: string;
  body: string;
}

export function parseVideoPage(page: FetchedPage, videoId: string): CollectResult {
  const landed = whereWeLanded(page.finalUrl, videoId);
  if (landed === 'login') {
    // TikTok sends anonymous visitors to its login page after too much traffic from one address; the
    // video itself stays public (age-gated videos still render their counts), so this is throttling:
    // back off and try again, possibly from another exit, rather than declaring the video unreadable.
    return failure('rate_limited', 'TikTok answered with its login wall');
  }
  if (landed === 'elsewhere') {
    // e.g. a region interstitial (/us/about) or the home page instead of the video.
    return failure('blocked', `TikTok redirected away from the video page (${safePath(page.finalUrl)})`);
  }

  const rehydration = readRehydrationScope(page.body);
  if (rehydration.kind === 'absent') {
    return looksLikeChallenge(page.body)
      ? failure('blocked', 'TikTok served its JavaScript challenge page instead of the video')
      : failure('format_changed', 'video page has no __UNIVERSAL_DATA_FOR_REHYDRATION__ script');
  }
  if (rehydration.kind === 'unparseable') return failure('format_changed', rehydration.reason);

  const detail = rehydration.scope['webapp.video-detail'];
  if (!isRecord(detail)) return failure('format_changed', 'rehydration data has no webapp.video-detail');
  const statusCode = detail['statusCode'];
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode)) {
    return failure('format_changed', 'webapp.video-detail.statusCode is missing or not an integer');
  }
  if (statusCode !== 0) {
    const statusMsg = typeof detail['statusMsg'] === 'string' ? detail['statusMsg'] : '';
    const { kind, message, ...extra } = classifyVideoStatus(statusCode, statusMsg);
    return failure(kind, message, extra);
  }

  const itemInfo = detail['itemInfo'];
  const item = isRecord(itemInfo) ? itemInfo['itemStruct'] : undefined;
  if (!isRecord(item))
    return failure('format_changed', 'webapp.video-detail has no itemInfo.itemStruct object');
  if (typeof item['id'] === 'string' && item['id'] !== videoId) {
    return failure('format_changed', 'the page describes a different video than the one requested');
  }
  const counts = readVideoCounts(item);
  if (!counts) return failure('format_changed', 'itemStruct has no readable count in statsV2 or stats');

  return success({
    metrics: counts.metrics,
    metadata: readVideoMetadata(item),
    provider: TIKTOK_WEB_SOURCE,
    ...(counts.approximate ? { approximate: true } : {}),
  });
}

function whereWeLanded(finalUrl: string, videoId: string): 'video' | 'login' | 'elsewhere' {
  let url: URL;
  try {
    url = new URL(finalUrl);
  } catch {
    return 'elsewhere';
  }
  if (/^\/login(\/|$)/.test(url.pathname)) return 'login';
  const parsed = parseTikTokLink(url.href);
  return parsed.kind === 'video' && parsed.ref.videoId === videoId ? 'video' : 'elsewhere';
}

/** Paths only: query strings can carry tokens that have no place in an operator message. */
function safePath(finalUrl: string): string {
  try {
    return new URL(finalUrl).pathname;
  } catch {
    return '?';
  }
}
