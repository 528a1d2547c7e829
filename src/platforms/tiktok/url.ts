import { readLink } from '../link.ts';
import { pathSegments } from '../path-segments.ts';
import type { UrlParse, VideoRef } from '../types.ts';

/** Hosts of TikTok links people paste (after `www.`/`m.` are dropped); vm. and vt. serve short links. */
export const TIKTOK_LINK_HOSTS: readonly string[] = ['tiktok.com', 'vm.tiktok.com', 'vt.tiktok.com'];

const VIDEO_ID = /^\d{10,25}$/;
const SHORT_CODE = /^[A-Za-z0-9]{4,32}$/;

export const tiktokCanonicalUrl = (videoId: string): string => `https://www.tiktok.com/@_/video/${videoId}`;

export const tiktokRef = (videoId: string): VideoRef => ({
  platform: 'tiktok',
  videoId,
  canonicalUrl: tiktokCanonicalUrl(videoId),
});

/** `/@user/video/ID`, `/embed/v2/ID`, `/v/ID.html`, and short links `vm.`/`vt.tiktok.com/CODE`, `/t/CODE`. */
export function parseTikTokPath(url: URL, host: string): UrlParse {
  const segments = pathSegments(url);
  if (host === 'vm.tiktok.com' || host === 'vt.tiktok.com') {
    const code = segments[0];
    if (segments.length === 1 && code && SHORT_CODE.test(code)) {
      return { kind: 'short_link', platform: 'tiktok', shortUrl: `https://${host}/${code}/` };
    }
    return { kind: 'invalid', message: 'Invalid TikTok short link' };
  }
  const [first, second, third] = segments;
  if (first === 't' && second && SHORT_CODE.test(second) && segments.length === 2) {
    return { kind: 'short_link', platform: 'tiktok', shortUrl: `https://www.tiktok.com/t/${second}/` };
  }
  if (first?.startsWith('@') && (second === 'video' || second === 'photo') && third && VIDEO_ID.test(third)) {
    return { kind: 'video', ref: tiktokRef(third) };
  }
  if (first === 'embed') {
    const id = second === 'v2' ? third : second;
    if (id && VIDEO_ID.test(id)) return { kind: 'video', ref: tiktokRef(id) };
  }
  if (first === 'v' && second) {
    const id = second.replace(/\.html$/, '');
    if (VIDEO_ID.test(id)) return { kind: 'video', ref: tiktokRef(id) };
  }
  return { kind: 'invalid', message: 'Not a TikTok video link (expected /@user/video/ID or a short link)' };
}

/**
 * A link read as TikTok's own: the video it names, a short link, or invalid (another platform's link too).
 * For the addresses TikTok redirects to, which stay inside its hosts.
 */
export function parseTikTokLink(href: string): UrlParse {
  const link = readLink(href);
  if (!link.ok) return link.error;
  if (!TIKTOK_LINK_HOSTS.includes(link.value.host)) return { kind: 'invalid', message: 'Not a TikTok link' };
  return parseTikTokPath(link.value.url, link.value.host);
}
