import type { PlatformDescriptor } from '../descriptor.ts';
import { createTikTokCollector, TIKTOK_WEB_SOURCE } from './collector.ts';
import { TIKTOK_HOSTS } from './hosts.ts';
import { parseTikTokPath, TIKTOK_LINK_HOSTS, tiktokCanonicalUrl } from './url.ts';

export const TIKTOK: PlatformDescriptor<'tiktok'> = {
  name: 'tiktok',
  displayName: 'TikTok',
  linkHosts: TIKTOK_LINK_HOSTS,
  parseLinkPath: parseTikTokPath,
  canonicalUrl: tiktokCanonicalUrl,
  exposedMetrics: ['views', 'likes', 'comments', 'shares', 'saves'],
  allowedHosts: TIKTOK_HOSTS,
  createLiveCollector: (_config, http, runtime) =>
    createTikTokCollector({ http, now: runtime.now, recordAttempt: runtime.recordAttempt }),
  sources: (_config, http, runtime) => {
    // The video page is TikTok's one source: the collector reads nothing else.
    const collector = createTikTokCollector({ http, now: runtime.now });
    return [
      {
        name: TIKTOK_WEB_SOURCE,
        read: async (videoId, signal) =>
          (
            await collector.collect(
              [{ platform: 'tiktok', videoId, canonicalUrl: tiktokCanonicalUrl(videoId) }],
              signal,
            )
          )[0]!,
      },
    ];
  },
  // @scout2015's "Scramble up ur name & I'll try to guess it", a test video of yt-dlp's for years.
  wellKnownVideoId: '6718335390845095173',
};
