import { pathSegments } from '../path-segments.ts';
import type { UrlParse, VideoRef } from '../types.ts';

/** Hosts of X links people paste (after `www.`/`mobile.` are dropped): the old name still works. */
export const TWITTER_LINK_HOSTS: readonly string[] = ['twitter.com', 'x.com'];

const STATUS_ID = /^\d{1,20}$/;
const USER = /^[A-Za-z0-9_]{1,15}$/;

export const twitterCanonicalUrl = (statusId: string): string => `https://x.com/i/status/${statusId}`;

export const twitterRef = (statusId: string): VideoRef => ({
  platform: 'twitter',
  videoId: statusId,
  canonicalUrl: twitterCanonicalUrl(statusId),
});

/** `/USER/status/ID`, `/i/web/status/ID`, `/i/status/ID`, each with an optional `/video/N` or `/photo/N`. */
export function parseTwitterPath(url: URL): UrlParse {
  let segments = pathSegments(url);
  const last = segments.at(-1);
  const beforeLast = segments.at(-2);
  if (
    segments.length >= 2 &&
    (beforeLast === 'video' || beforeLast === 'photo') &&
    last &&
    /^\d{1,2}$/.test(last)
  ) {
    segments = segments.slice(0, -2);
  }
  let id: string | undefined;
  if (segments.length === 4 && segments[0] === 'i' && segments[1] === 'web' && segments[2] === 'status') {
    id = segments[3];
  } else if (segments.length === 3 && (segments[1] === 'status' || segments[1] === 'statuses')) {
    if (segments[0] === 'i' || USER.test(segments[0] ?? '')) id = segments[2];
  }
  if (id && STATUS_ID.test(id) && id !== '0') return { kind: 'video', ref: twitterRef(id) };
  return { kind: 'invalid', message: 'Not an X/Twitter post link (expected /USER/status/ID)' };
}
