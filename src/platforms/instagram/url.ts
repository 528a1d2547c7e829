import { pathSegments } from '../path-segments.ts';
import type { UrlParse, VideoRef } from '../types.ts';

/** Hosts of Instagram links people paste (after `www.`/`m.` are dropped). */
export const INSTAGRAM_LINK_HOSTS: readonly string[] = ['instagram.com'];

const SHORTCODE = /^[A-Za-z0-9_-]{5,64}$/;
const KINDS = new Set(['p', 'reel', 'reels', 'tv']);

export const instagramCanonicalUrl = (shortcode: string): string =>
  `https://www.instagram.com/p/${shortcode}/`;

export const instagramRef = (shortcode: string): VideoRef => ({
  platform: 'instagram',
  videoId: shortcode,
  canonicalUrl: instagramCanonicalUrl(shortcode),
});

/** `/p/CODE/`, `/reel/CODE/`, `/reels/CODE/`, `/tv/CODE/`, optionally after a username. */
export function parseInstagramPath(url: URL): UrlParse {
  const segments = pathSegments(url);
  // "/username/reel/CODE" carries the author first; drop it.
  const rest = segments.length === 3 && !KINDS.has(segments[0] ?? '') ? segments.slice(1) : segments;
  const [kind, code] = rest;
  if (rest.length === 2 && kind && KINDS.has(kind) && code && SHORTCODE.test(code)) {
    return { kind: 'video', ref: instagramRef(code) };
  }
  return {
    kind: 'invalid',
    message: 'Not an Instagram post link (expected /p/CODE/, /reel/CODE/ or /tv/CODE/)',
  };
}
