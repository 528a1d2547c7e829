import type { PlatformDescriptor } from '../descriptor.ts';
import { createInstagramCollector, INSTAGRAM_HOSTS } from './collector.ts';
import { INSTAGRAM_LINK_HOSTS, instagramCanonicalUrl, parseInstagramPath } from './url.ts';

export const INSTAGRAM: PlatformDescriptor<'instagram'> = {
  name: 'instagram',
  displayName: 'Instagram',
  linkHosts: INSTAGRAM_LINK_HOSTS,
  parseLinkPath: parseInstagramPath,
  canonicalUrl: instagramCanonicalUrl,
  // Instagram shows no share or save count publicly.
  exposedMetrics: ['views', 'likes', 'comments'],
  allowedHosts: INSTAGRAM_HOSTS,
  createLiveCollector: (config, http) =>
    createInstagramCollector({
      http,
      ...(config.instagramSessionId ? { sessionId: config.instagramSessionId } : {}),
    }),
};
