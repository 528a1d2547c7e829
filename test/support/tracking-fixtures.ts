// A video and a first reading for tests that start trackings straight through tracking/ (no HTTP, no collector).
import type { Observation, VideoRef } from '../../src/platforms/types.ts';

export const TIKTOK_REF: VideoRef = {
  platform: 'tiktok',
  videoId: '7301234567890123456',
  canonicalUrl: 'https://www.tiktok.com/@someone/video/7301234567890123456',
};

export const FIRST_OBSERVATION: Observation = {
  metrics: { views: 1000n, likes: 100n, comments: 10n, shares: 5n, saves: 2n },
  metadata: { title: 'A video', creator: 'someone', description: null },
  provider: 'simulator',
};
