// The only hosts the X collector may reach (invariant 5 in docs/architecture.md: allow-listed platform hosts
// only). api.twitter.com still answers the same APIs as api.x.com; x.com and twitter.com are listed because X
// redirects between them. abs.twimg.com serves the web app's bundle, read only to discover GraphQL operation ids.
export const TWITTER_HOSTS: readonly string[] = [
  'api.x.com',
  'api.twitter.com',
  'x.com',
  'twitter.com',
  'cdn.syndication.twimg.com',
  'abs.twimg.com',
];
