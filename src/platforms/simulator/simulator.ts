// The test-mode platform. Every count is a pure function of (platform, video id, time): the same video read
// at the same moment always gives the same numbers, counts never decrease, and nothing touches the network.

import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { ok } from '../../result.ts';
import { byPlatform, videoRef } from '../registry.ts';
import {
  type Collector,
  type CollectResult,
  failure,
  type Metrics,
  type PlatformName,
  success,
  type VideoMetadata,
  type VideoRef,
} from '../types.ts';

// Magic endings of a video id make the simulator answer like a platform in trouble, in any platform's id form
// (e.g. `https://www.tiktok.com/@x/video/7300000000000004040`, `https://youtu.be/abcdefg4030`); the README lists
// them: 4040 deleted, 4030 private, 5030 blocked, 4290 rate limited, 4041/4031 deleted/private from the third
// slot of the tracking, 5031 flaky (transient during odd seconds). The switch in collectOne is the one
// definition.

const HOUR_MS = 3_600_000;
const METRIC_NAMES = [
  'views',
  'likes',
  'comments',
  'shares',
  'saves',
] as const satisfies readonly (keyof Metrics)[];
/** Each platform exposes what the real one does (e.g. YouTube and Instagram show no shares or saves). */
const HIDDEN_METRICS = byPlatform((platform) =>
  METRIC_NAMES.filter((metric) => !platform.exposedMetrics.includes(metric)),
);
const CURVE_EPOCH_MS = Date.parse('2024-01-01T00:00:00.000Z');

type Profile = ReturnType<typeof computeProfile>;

// A profile is a pure function of the id, and the same ids are collected again and again: recent ones are kept.
const PROFILE_CACHE_SIZE = 10_000;
const profiles = new Map<string, Profile>();

function profile(platform: PlatformName, videoId: string): Profile {
  const key = `${platform}:${videoId}`;
  let found = profiles.get(key);
  if (!found) {
    if (profiles.size >= PROFILE_CACHE_SIZE) profiles.clear();
    found = computeProfile(key);
    profiles.set(key, found);
  }
  return found;
}

/** A number in [0, 1) from four bytes of the digest. (A module function: tsx names each closure it makes.) */
function unitAt(digest: Buffer, offset: number): number {
  return digest.readUInt32BE(offset) / 0x1_0000_0000;
}

/** Deterministic per-video parameters drawn from a hash of `platform:videoId`. */
function computeProfile(key: string) {
  const digest = createHash('sha256').update(key).digest();
  return {
    baseViews: Math.floor(1_000 + unitAt(digest, 0) * 2_000_000),
    viewsPerHour: 20 + unitAt(digest, 4) * 20_000,
    likeRatio: 0.02 + unitAt(digest, 8) * 0.08,
    commentRatio: 0.02 + unitAt(digest, 12) * 0.04,
    shareRatio: 0.01 + unitAt(digest, 16) * 0.07,
    saveRatio: 0.03 + unitAt(digest, 20) * 0.07,
    phase: unitAt(digest, 24) * 2 * Math.PI,
    creator: `sim_${digest.toString('hex', 0, 4)}`,
    firstSeenMs: Number(digest.readBigUInt64BE(24) % 1_000_000n),
  };
}

/** The simulated counts of a video at a moment. Exported for tests and the demo. */
export function simulatedMetrics(platform: PlatformName, videoId: string, atMs: number): Metrics {
  const p = profile(platform, videoId);
  const hours = Math.max(0, (atMs - CURVE_EPOCH_MS) / HOUR_MS);
  // Linear growth with a daily rhythm; the derivative rate·(1 + 0.4·cos) stays positive, so counts never fall.
  const wave =
    ((0.4 * 24) / (2 * Math.PI)) * (Math.sin((2 * Math.PI * hours) / 24 + p.phase) - Math.sin(p.phase));
  const views = Math.floor(p.baseViews + p.viewsPerHour * (hours + wave));
  const likes = Math.floor(views * p.likeRatio);
  const metrics: Metrics = {
    views: BigInt(views),
    likes: BigInt(likes),
    comments: BigInt(Math.floor(likes * p.commentRatio)),
    shares: BigInt(Math.floor(likes * p.shareRatio)),
    saves: BigInt(Math.floor(likes * p.saveRatio)),
  };
  for (const metric of HIDDEN_METRICS[platform]) metrics[metric] = null;
  return metrics;
}

/** The late endings switch at slot 2, the third reading of a tracking, whatever the snapshot interval. */
const LATE_ENDING_SLOT = 2;

function collectOne(ref: VideoRef, nowMs: number): CollectResult {
  const ending = ref.videoId.slice(-4);
  switch (ending) {
    case '4040':
      return failure('not_found', 'simulated: video deleted', { deleted: true });
    case '4030':
      return failure('private', 'simulated: video is private');
    case '5030':
      return failure('blocked', 'simulated: platform blocked the request');
    case '4290':
      return failure('rate_limited', 'simulated: rate limited', { retryAfterMs: 60_000 });
    case '5031':
      if (Math.floor(nowMs / 1000) % 2 === 1) return failure('transient', 'simulated: flaky platform');
      break;
    case '4041':
    case '4031':
      // Decided by the slot, not by when this process first saw the video: the ending comes at the same
      // point of every tracking, at any interval and across restarts.
      if ((ref.slot ?? 0) >= LATE_ENDING_SLOT) {
        return ending === '4041'
          ? failure('not_found', 'simulated: video deleted', { deleted: true })
          : failure('private', 'simulated: video became private');
      }
      break;
  }
  return success({
    metrics: simulatedMetrics(ref.platform, ref.videoId, nowMs),
    metadata: simulatedMetadata(ref.platform, ref.videoId),
    provider: 'simulator',
  });
}

export function simulatedMetadata(platform: PlatformName, videoId: string): VideoMetadata {
  return {
    title: `Simulated ${platform} video ${videoId}`,
    creator: profile(platform, videoId).creator,
    description: 'A test-mode video: its counts come from the contentstats simulator, not from the platform.',
  };
}

export function createSimulatorCollector(platform: PlatformName, clock: Clock): Collector {
  return {
    platform,
    batchSize: 1000,
    async collect(refs) {
      const now = clock.now();
      return refs.map((ref) => collectOne(ref, now));
    },
    async resolveShortLink(shortUrl) {
      // A short link's code maps to a stable numeric id, as if TikTok had redirected to it.
      const digest = createHash('sha256').update(shortUrl).digest();
      const videoId = `7${(digest.readBigUInt64BE(0) % 10n ** 18n).toString().padStart(18, '0')}`;
      return ok(videoRef(platform, videoId));
    },
  };
}
