import type { PlatformDescriptor } from '../descriptor.ts';
import { createTwitterCollector } from './collector.ts';
import { TWITTER_HOSTS } from './hosts.ts';
import { createTwitterSources } from './sources.ts';
import { parseTwitterPath, TWITTER_LINK_HOSTS, twitterCanonicalUrl } from './url.ts';

export const TWITTER: PlatformDescriptor<'twitter'> = {
  name: 'twitter',
  displayName: 'X',
  linkHosts: TWITTER_LINK_HOSTS,
  parseLinkPath: parseTwitterPath,
  canonicalUrl: twitterCanonicalUrl,
  // Shares are reposts plus quotes; saves are bookmarks.
  exposedMetrics: ['views', 'likes', 'comments', 'shares', 'saves'],
  allowedHosts: TWITTER_HOSTS,
  createLiveCollector: (config, http, runtime) => {
    const { x } = config.platformOverrides;
    return createTwitterCollector({
      http,
      now: runtime.now,
      recordAttempt: runtime.recordAttempt,
      discoverQueryId: x.discovery,
      ...(x.tweetResultByRestIdQueryId ? { graphqlQueryId: x.tweetResultByRestIdQueryId } : {}),
      ...(x.features ? { graphqlFeatures: x.features } : {}),
      ...(config.xBearerToken ? { bearerToken: config.xBearerToken } : {}),
    });
  },
  sources: (config, http, runtime) => createTwitterSources(config, http, runtime.now),
  // @jack's "just setting up my twttr" (2006), the first post.
  wellKnownVideoId: '20',
};
