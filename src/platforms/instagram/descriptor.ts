import type { PlatformDescriptor } from '../descriptor.ts';
import { createInstagramCollector, INSTAGRAM_HOSTS } from './collector.ts';
import { postQueriesFor } from './graphql.ts';
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
  createLiveCollector: (config, http, runtime) =>
    createInstagramCollector({
      http,
      now: runtime.now,
      recordAttempt: runtime.recordAttempt,
      postQueries: postQueriesFor(config.platformOverrides.instagram),
      ...(config.instagramSessionId ? { sessionId: config.instagramSessionId } : {}),
    }),
};
