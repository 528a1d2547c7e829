import type { PlatformDescriptor } from '../descriptor.ts';
import { createYouTubeCollector, DATA_API_HOSTS } from './collector.ts';
import { parseYouTubePath, YOUTUBE_LINK_HOSTS, youtubeCanonicalUrl } from './url.ts';
import { YOUTUBE_WEB_HOSTS } from './watch-page-source.ts';

export const YOUTUBE: PlatformDescriptor<'youtube'> = {
  name: 'youtube',
  displayName: 'YouTube',
  linkHosts: YOUTUBE_LINK_HOSTS,
  parseLinkPath: parseYouTubePath,
  canonicalUrl: youtubeCanonicalUrl,
  // YouTube shows no share or save count publicly.
  exposedMetrics: ['views', 'likes', 'comments'],
  allowedHosts: [...YOUTUBE_WEB_HOSTS, ...DATA_API_HOSTS],
  createLiveCollector: (config, http, runtime) =>
    createYouTubeCollector({
      http,
      now: runtime.now,
      recordAttempt: runtime.recordAttempt,
      ...(config.youtubeApiKey ? { apiKey: config.youtubeApiKey } : {}),
    }),
};
