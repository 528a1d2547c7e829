// The real collectors used by live keys, built from the configuration.
import type { Config } from '../config.ts';
import type { HttpClient } from '../http/types.ts';
import { createInstagramCollector } from './instagram/collector.ts';
import { createTikTokCollector } from './tiktok/collector.ts';
import { createTwitterCollector } from './twitter/collector.ts';
import type { Collector, PlatformName } from './types.ts';
import { createYouTubeCollector } from './youtube/collector.ts';

export function createLiveCollectors(config: Config, http: HttpClient): Record<PlatformName, Collector> {
  return {
    tiktok: createTikTokCollector({ http }),
    youtube: createYouTubeCollector({
      http,
      ...(config.youtubeApiKey ? { apiKey: config.youtubeApiKey } : {}),
    }),
    instagram: createInstagramCollector({
      http,
      ...(config.instagramSessionId ? { sessionId: config.instagramSessionId } : {}),
    }),
    twitter: createTwitterCollector({
      http,
      ...(config.xBearerToken ? { bearerToken: config.xBearerToken } : {}),
    }),
  };
}
