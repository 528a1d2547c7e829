// Every platform the service reads, one descriptor each. The type names every PlatformName: a platform added
// to PLATFORMS without a descriptor, or a descriptor filed under another name, does not compile.
import type { PlatformDescriptor } from './descriptor.ts';
import { INSTAGRAM } from './instagram/descriptor.ts';
import { TIKTOK } from './tiktok/descriptor.ts';
import { TWITTER } from './twitter/descriptor.ts';
import { PLATFORMS, type PlatformName, type VideoRef } from './types.ts';
import { YOUTUBE } from './youtube/descriptor.ts';

export const PLATFORM_REGISTRY: { readonly [P in PlatformName]: PlatformDescriptor<P> } = {
  tiktok: TIKTOK,
  youtube: YOUTUBE,
  instagram: INSTAGRAM,
  twitter: TWITTER,
};

/** The descriptors in the order of PLATFORMS. */
export const PLATFORM_DESCRIPTORS: readonly PlatformDescriptor[] = PLATFORMS.map(
  (platform) => PLATFORM_REGISTRY[platform],
);

/** A video on its platform, with the canonical address the collectors read it at. */
export const videoRef = (platform: PlatformName, videoId: string): VideoRef => ({
  platform,
  videoId,
  canonicalUrl: PLATFORM_REGISTRY[platform].canonicalUrl(videoId),
});

/** One value per platform, made from its descriptor (complete because PLATFORM_DESCRIPTORS is). */
export function byPlatform<T>(make: (platform: PlatformDescriptor) => T): Record<PlatformName, T> {
  return Object.fromEntries(
    PLATFORM_DESCRIPTORS.map((platform) => [platform.name, make(platform)]),
  ) as Record<PlatformName, T>;
}

/** How a platform stored as text is named to people; text that names no platform is shown as it is. */
export function platformDisplayName(platform: string): string {
  return Object.hasOwn(PLATFORM_REGISTRY, platform)
    ? PLATFORM_REGISTRY[platform as PlatformName].displayName
    : platform;
}
