import { pathSegments } from '../path-segments.ts';
import type { UrlParse, VideoRef } from '../types.ts';

/** Hosts of YouTube links people paste (after `www.`/`m.` are dropped). */
export const YOUTUBE_LINK_HOSTS: readonly string[] = [
  'youtube.com',
  'music.youtube.com',
  'youtu.be',
  'youtube-nocookie.com',
];

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;

export const youtubeCanonicalUrl = (videoId: string): string => `https://www.youtube.com/watch?v=${videoId}`;

export const youtubeRef = (videoId: string): VideoRef => ({
  platform: 'youtube',
  videoId,
  canonicalUrl: youtubeCanonicalUrl(videoId),
});

/** `watch?v=ID`, `youtu.be/ID`, `/embed/ID`, `/shorts/ID`, `/live/ID`, `/v/ID`. */
export function parseYouTubePath(url: URL, host: string): UrlParse {
  const segments = pathSegments(url);
  let id: string | undefined;
  if (host === 'youtu.be') {
    id = segments.length === 1 ? segments[0] : undefined;
  } else if (segments[0] === 'watch' && segments.length === 1) {
    id = url.searchParams.get('v') ?? undefined;
  } else if (segments.length === 2 && ['embed', 'shorts', 'live', 'v', 'e'].includes(segments[0] ?? '')) {
    id = segments[1];
  }
  if (id && VIDEO_ID.test(id)) return { kind: 'video', ref: youtubeRef(id) };
  return {
    kind: 'invalid',
    message: 'Not a YouTube video link (expected watch?v=ID, youtu.be/ID, /shorts/ID…)',
  };
}
