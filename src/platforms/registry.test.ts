import { describe, expect, it } from 'vitest';
import { parseVideoUrl } from './parse-video-url.ts';
import { PLATFORM_DESCRIPTORS, PLATFORM_REGISTRY, platformDisplayName, videoRef } from './registry.ts';
import { PLATFORMS } from './types.ts';

/** A video id of each platform's form. */
const SAMPLE_IDS = {
  tiktok: '7300000000000000001',
  youtube: 'dQw4w9WgXcQ',
  instagram: 'C9abcdEFGhi',
  twitter: '1800000000000000001',
} as const;

describe('the platform registry', () => {
  it('holds one descriptor per platform, filed under its own name, in the order of PLATFORMS', () => {
    expect(Object.keys(PLATFORM_REGISTRY).sort()).toEqual([...PLATFORMS].sort());
    expect(PLATFORM_DESCRIPTORS.map((platform) => platform.name)).toEqual([...PLATFORMS]);
  });

  it.each(PLATFORMS)(
    '%s: the canonical address reads back as the same video and is an allowed host',
    (name) => {
      const platform = PLATFORM_REGISTRY[name];
      const canonicalUrl = platform.canonicalUrl(SAMPLE_IDS[name]);
      expect(parseVideoUrl(canonicalUrl)).toEqual({ kind: 'video', ref: videoRef(name, SAMPLE_IDS[name]) });
      expect(platform.allowedHosts).toContain(new URL(canonicalUrl).host);
    },
  );

  it('gives each link host to exactly one platform', () => {
    const hosts = PLATFORM_DESCRIPTORS.flatMap((platform) => platform.linkHosts);
    expect(new Set(hosts).size).toBe(hosts.length);
  });

  it('names a stored platform for people, and shows text that names none as it is', () => {
    expect(platformDisplayName('twitter')).toBe('X');
    expect(platformDisplayName('constructor')).toBe('constructor');
  });
});
