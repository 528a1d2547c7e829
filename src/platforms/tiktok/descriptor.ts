import type { PlatformDescriptor } from '../descriptor.ts';
import { createTikTokCollector } from './collector.ts';
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
};
