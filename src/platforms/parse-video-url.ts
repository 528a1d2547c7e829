// Turns a user-supplied link into (platform, video id). The link itself is never fetched: collectors build
// canonical platform addresses from the id (short links aside, resolved inside the platform's hosts).
import type { PlatformDescriptor } from './descriptor.ts';
import { readLink } from './link.ts';
import { PLATFORM_DESCRIPTORS } from './registry.ts';
import type { UrlParse } from './types.ts';

export { MAX_URL_LENGTH } from './link.ts';

/**
 * Link host → its platform. A Map, not an object literal: the host comes from the user, and "constructor" or
 * "__proto__" must find nothing.
 */
const BY_LINK_HOST: ReadonlyMap<string, PlatformDescriptor> = new Map(
  PLATFORM_DESCRIPTORS.flatMap((platform) => platform.linkHosts.map((host) => [host, platform] as const)),
);

const displayNames = PLATFORM_DESCRIPTORS.map((platform) => platform.displayName);
const UNSUPPORTED = `Unsupported platform: use a ${displayNames.slice(0, -1).join(', ')} or ${displayNames.at(-1)} link`;

export function parseVideoUrl(input: string): UrlParse {
  const link = readLink(input);
  if (!link.ok) return link.error;
  const platform = BY_LINK_HOST.get(link.value.host);
  if (!platform) return { kind: 'invalid', message: UNSUPPORTED };
  return platform.parseLinkPath(link.value.url, link.value.host);
}
