import type { PlatformDescriptor } from '../descriptor.ts';
import { createInstagramCollector, createInstagramSources, INSTAGRAM_HOSTS } from './collector.ts';
import { postQueriesFor } from './graphql.ts';
import { INSTAGRAM_LINK_HOSTS, instagramCanonicalUrl, parseInstagramPath } from './url.ts';

// The variables that set each query's document id by hand.
const SETTABLE_BY: Record<string, string> = {
  'instagram-graphql': 'INSTAGRAM_POST_DOC_ID',
  'instagram-graphql-legacy': 'INSTAGRAM_LEGACY_POST_DOC_ID',
};

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
  sources: (config, http, runtime) =>
    createInstagramSources({
      http,
      now: runtime.now,
      postQueries: postQueriesFor(config.platformOverrides.instagram),
      ...(config.instagramSessionId ? { sessionId: config.instagramSessionId } : {}),
    }).map((source) => ({
      name: source.provider,
      read: (shortcode, signal) => source.read(shortcode, signal),
      ...(SETTABLE_BY[source.provider] ? { settableBy: SETTABLE_BY[source.provider] } : {}),
    })),
  // A reel of Instagram's own account, public since 2013 (a test post of yt-dlp's).
  wellKnownVideoId: 'aye83DjauH',
};
