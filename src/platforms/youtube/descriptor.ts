import { err } from '../../result.ts';
import type { PlatformDescriptor, PlatformSource } from '../descriptor.ts';
import { createYouTubeCollector, DATA_API_HOSTS, fetchVideosList, YOUTUBE_WEB_SOURCE } from './collector.ts';
import { YOUTUBE_DATA_API_PROVIDER } from './data-api.ts';
import { parseYouTubePath, YOUTUBE_LINK_HOSTS, youtubeCanonicalUrl } from './url.ts';
import { collectFromWatchPage, YOUTUBE_WEB_HOSTS } from './watch-page-source.ts';

const TIMEOUT_MS = 15_000;

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
  sources: (config, http, runtime) => {
    const watchPage: PlatformSource = {
      name: YOUTUBE_WEB_SOURCE,
      read: (videoId, signal) =>
        collectFromWatchPage(videoId, {
          http,
          timeoutMs: TIMEOUT_MS,
          now: runtime.now,
          ...(signal ? { signal } : {}),
        }),
    };
    const key = config.youtubeApiKey;
    if (!key) return [watchPage];
    const dataApi: PlatformSource = {
      name: YOUTUBE_DATA_API_PROVIDER,
      async read(videoId, signal) {
        const outcome = await fetchVideosList({ http, timeoutMs: TIMEOUT_MS }, key, [videoId], signal);
        if (!outcome.ok) return err(outcome.error);
        return (
          outcome.value.get(videoId) ??
          err({ kind: 'format_changed', message: 'videos.list left the video out of its answer' })
        );
      },
    };
    return [dataApi, watchPage];
  },
  // "Me at the zoo", the first video on YouTube (2005).
  wellKnownVideoId: 'jNQXAC9IVRw',
};
