import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config.ts';
import { type ClosableHttpClient, createHttpClient } from '../../src/http/client.ts';
import { createLiveCollectors } from '../../src/platforms/live-collectors.ts';
import { parseVideoUrl } from '../../src/platforms/parse-video-url.ts';
import { type FakePlatforms, isPlatformOrigin, startFakePlatforms } from './platforms.ts';
import { HEALTHY_ROUTES, PLATFORM_VARIANTS } from './scenarios.ts';

let platforms: FakePlatforms;
let http: ClosableHttpClient;

beforeAll(async () => {
  platforms = await startFakePlatforms();
  http = createHttpClient({ upstreams: platforms.upstreams, timeoutMs: 5_000 });
});
afterAll(async () => {
  await http.close();
  await platforms.close();
});
beforeEach(() => platforms.reset());

describe('the fake platforms', () => {
  it.each(PLATFORM_VARIANTS.map((variant) => [variant.name, variant] as const))(
    'serve %s healthy to the production collector from HEALTHY_ROUTES',
    async (_name, variant) => {
      platforms.serve(HEALTHY_ROUTES);
      const parsed = parseVideoUrl(variant.link);
      if (parsed.kind !== 'video') throw new Error(`${variant.link} is not a video link`);
      const collector = createLiveCollectors(testConfig(variant.config), http)[variant.platform];
      const [result] = await collector.collect([parsed.ref]);
      if (!result?.ok) throw new Error(`not collected: ${JSON.stringify(result)}`);
      const { metrics, provider } = result.value;
      // INSTAGRAM_PAGE reads the post page only once the GraphQL queries are retired; healthy, they answer.
      if (variant.name.startsWith('Instagram')) expect(provider).toBe('instagram-graphql');
      else expect(provider).toBe(variant.provider);
      expect(metrics.views?.toString() ?? null).toBe(variant.first.counts.views);
      expect(metrics.likes?.toString() ?? null).toBe(variant.first.counts.likes);
      expect(platforms.requests.every((request) => isPlatformOrigin(request.upstream))).toBe(true);
    },
  );

  it('answer 404 for a source not served, and forget everything on reset', async () => {
    platforms.serve({ 'youtube-watch': HEALTHY_ROUTES['youtube-watch'] });
    const res = await fetch(`${platforms.upstreams['https://www.tiktok.com']}/@_/video/1`, {
      headers: { 'x-contentstats-upstream': 'https://www.tiktok.com' },
    });
    expect(res.status).toBe(404);
    expect(platforms.requestsTo('tiktok-page')).toHaveLength(1);
    platforms.reset();
    expect(platforms.requests).toEqual([]);
  });
});
