// Surviving platform drift, through the production collectors and HTTP client pointed at the fake
// platforms: a rotated X operation id is discovered and used without a restart; ids set by hand are used
// as they are; a source that keeps failing while its fallback answers is passed over for a cool-down.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, testConfig } from '../../src/config.ts';
import { type ClosableHttpClient, createHttpClient } from '../../src/http/client.ts';
import { createLiveCollectors } from '../../src/platforms/live-collectors.ts';
import { parseVideoUrl } from '../../src/platforms/parse-video-url.ts';
import type { SourceOutcome } from '../../src/platforms/source-attempts.ts';
import type { CollectResult, VideoRef } from '../../src/platforms/types.ts';
import { type FakePlatforms, startFakePlatforms } from '../fake-platform/platforms.ts';
import {
  INSTAGRAM_GRAPHQL,
  INSTAGRAM_PAGE,
  X_BUILT_IN_QUERY_ID,
  X_GRAPHQL,
  xWebAppDeployedWith,
} from '../fake-platform/scenarios.ts';

let platforms: FakePlatforms;
let http: ClosableHttpClient;
let clock = Date.parse('2026-03-02T08:00:00Z');
let attempts: Array<[string, string, SourceOutcome]> = [];
const MINUTE = 60_000;

beforeAll(async () => {
  platforms = await startFakePlatforms();
  http = createHttpClient({ upstreams: platforms.upstreams, timeoutMs: 5_000 });
});
afterAll(async () => {
  await http.close();
  await platforms.close();
});
beforeEach(() => {
  platforms.reset();
  attempts = [];
});

const runtime = {
  now: () => clock,
  recordAttempt: (platform: string, source: string, outcome: SourceOutcome) => {
    attempts.push([platform, source, outcome]);
  },
};

function refOf(link: string): VideoRef {
  const parsed = parseVideoUrl(link);
  if (parsed.kind !== 'video') throw new Error(`${link} is not a video link`);
  return parsed.ref;
}

function observed(result: CollectResult | undefined) {
  if (!result?.ok) throw new Error(`expected counts, got ${JSON.stringify(result)}`);
  return result.value;
}

const graphqlIdsAsked = () =>
  platforms.requestsTo('x-graphql').map((request) => request.url.pathname.split('/')[2]);

describe("X's GraphQL operation id", () => {
  it('is read from the web bundle before the first query, and a rotation is followed without a restart', async () => {
    platforms.serve(xWebAppDeployedWith('OldDeploy1111aaaa'));
    const x = createLiveCollectors(testConfig(), http, runtime).twitter;
    const post = refOf(X_GRAPHQL.link);

    const [first] = await x.collect([post]);
    expect(observed(first).provider).toBe('x-graphql');
    expect(graphqlIdsAsked()).toEqual(['OldDeploy1111aaaa']);
    expect(platforms.requestsTo('x-web-app')).toHaveLength(1);
    expect(platforms.requestsTo('x-web-bundle')).toHaveLength(1);

    // X redeploys: the id the collector holds now answers 404.
    platforms.serve(xWebAppDeployedWith('NewDeploy2222bbbb'));
    clock += 60 * MINUTE;
    const [second] = await x.collect([post]);
    // One format_changed is not yet a run: syndication answers this slot, with fewer counts.
    expect(observed(second).provider).toBe('x-syndication');
    clock += 60 * MINUTE;
    const [third] = await x.collect([post]);
    // The second in a row sends the collector to the bundle; the post is asked again under the new id.
    const recovered = observed(third);
    expect(recovered.provider).toBe('x-graphql');
    expect(recovered.metrics.views).toBe(1_843_921n);
    expect(graphqlIdsAsked()).toEqual([
      'OldDeploy1111aaaa',
      'OldDeploy1111aaaa',
      'OldDeploy1111aaaa',
      'NewDeploy2222bbbb',
    ]);
    expect(platforms.requestsTo('x-web-bundle')).toHaveLength(2);

    // Later slots go straight to the new id.
    clock += 60 * MINUTE;
    expect(observed((await x.collect([post]))[0]).provider).toBe('x-graphql');
    expect(graphqlIdsAsked().at(-1)).toBe('NewDeploy2222bbbb');
    expect(platforms.requestsTo('x-web-bundle')).toHaveLength(2);
    expect(attempts.filter(([, source]) => source === 'x-graphql').map(([, , outcome]) => outcome)).toEqual([
      'success',
      'format_changed',
      'format_changed',
      'success',
      'success',
    ]);
  });

  it('falls back to the built-in id when the bundle cannot be read', async () => {
    platforms.serve({
      ...xWebAppDeployedWith(X_BUILT_IN_QUERY_ID),
      'x-web-bundle': { status: 403, body: '' },
    });
    const x = createLiveCollectors(testConfig(), http, runtime).twitter;
    expect(observed((await x.collect([refOf(X_GRAPHQL.link)]))[0]).provider).toBe('x-graphql');
    expect(graphqlIdsAsked()).toEqual([X_BUILT_IN_QUERY_ID]);
  });

  it('set by hand in the overrides file, with discovery off, is used as it is, with the extra feature flags', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'contentstats-overrides-'));
    const file = join(folder, 'platform-overrides.json');
    writeFileSync(
      file,
      JSON.stringify({
        x: {
          tweetResultByRestIdQueryId: 'ByHand3333cccc',
          features: { brand_new_flag_enabled: true },
          discovery: false,
        },
        instagram: { postDocId: '998877665544332211' },
      }),
    );
    const loaded = loadConfig({
      PLATFORM_OVERRIDES_FILE: file,
      INSTAGRAM_LEGACY_POST_DOC_ID: '112233445566',
    });
    if (!loaded.ok) throw new Error(loaded.error.problems.join('; '));
    platforms.serve(xWebAppDeployedWith('ByHand3333cccc'));
    const collectors = createLiveCollectors(loaded.value, http, runtime);
    expect(observed((await collectors.twitter.collect([refOf(X_GRAPHQL.link)]))[0]).provider).toBe(
      'x-graphql',
    );
    expect(graphqlIdsAsked()).toEqual(['ByHand3333cccc']);
    expect(platforms.requestsTo('x-web-app')).toHaveLength(0);
    const features = JSON.parse(platforms.requestsTo('x-graphql')[0]!.url.searchParams.get('features')!);
    expect(features).toMatchObject({
      brand_new_flag_enabled: true,
      view_counts_everywhere_api_enabled: true,
    });

    // Instagram's document ids: the fake knows only the built-in ones, so both queries go unanswered.
    platforms.serve({});
    await collectors.instagram.collect([refOf(INSTAGRAM_PAGE.link)]);
    const docIds = platforms.requests
      .filter((request) => request.url.pathname === '/graphql/query')
      .map((request) => new URLSearchParams(request.body).get('doc_id'));
    expect(docIds).toEqual(['998877665544332211', '112233445566']);
  });

  it('refuses an overrides file that is not what the README describes, naming the field', () => {
    const folder = mkdtempSync(join(tmpdir(), 'contentstats-overrides-'));
    const file = join(folder, 'bad.json');
    writeFileSync(file, JSON.stringify({ x: { tweetResultByRestIdQueryId: 'no spaces allowed' } }));
    const loaded = loadConfig({ PLATFORM_OVERRIDES_FILE: file });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.problems.join('\n')).toContain(
      'PLATFORM_OVERRIDES_FILE: x.tweetResultByRestIdQueryId',
    );
    const missing = loadConfig({ PLATFORM_OVERRIDES_FILE: join(folder, 'absent.json') });
    expect(missing.ok).toBe(false);
  });
});

describe('a source that keeps failing while its fallback answers', () => {
  it("is passed over for a cool-down, tried again after it, and passed over longer when it still fails (Instagram's queries)", async () => {
    // Both GraphQL queries answer as retired doc ids do; the post page answers.
    platforms.serve(INSTAGRAM_PAGE.first.routes);
    const instagram = createLiveCollectors(testConfig(), http, runtime).instagram;
    const post = refOf(INSTAGRAM_PAGE.link);
    const graphqlAsked = () => platforms.requestsTo('instagram-graphql').length;
    const pageAsked = () => platforms.requestsTo('instagram-page').length;

    for (let slot = 0; slot < 3; slot++) {
      expect(observed((await instagram.collect([post]))[0]).provider).toBe('instagram-web');
      clock += MINUTE;
    }
    expect([graphqlAsked(), pageAsked()]).toEqual([3, 3]);
    // Three in a row: for the next 15 minutes only the page is asked.
    for (let minute = 0; minute < 14; minute++) {
      expect(observed((await instagram.collect([post]))[0]).provider).toBe('instagram-web');
      clock += MINUTE;
    }
    expect([graphqlAsked(), pageAsked()]).toEqual([3, 17]);
    expect(platforms.requestsTo('instagram-graphql-legacy')).toHaveLength(3);

    // The cool-down is over: the query is tried once more, fails, and is passed over for twice as long.
    clock += MINUTE;
    await instagram.collect([post]);
    expect(graphqlAsked()).toBe(4);
    clock += 29 * MINUTE;
    await instagram.collect([post]);
    expect(graphqlAsked()).toBe(4);
    clock += 2 * MINUTE;
    // Instagram fixed it meanwhile: the query answers and is the first source again.
    platforms.serve({ ...INSTAGRAM_PAGE.first.routes, ...INSTAGRAM_GRAPHQL.first.routes });
    expect(observed((await instagram.collect([post]))[0]).provider).toBe('instagram-graphql');
    clock += MINUTE;
    const pagesBefore = pageAsked();
    expect(observed((await instagram.collect([post]))[0]).provider).toBe('instagram-graphql');
    expect(pageAsked()).toBe(pagesBefore);
    expect(graphqlAsked()).toBe(6);
  });

  it("sends X posts to syndication first while GraphQL keeps answering 404, and counts every source's attempts", async () => {
    // The web app names no id the collector could move to: GraphQL keeps failing as format_changed.
    platforms.serve({ ...xWebAppDeployedWith(X_BUILT_IN_QUERY_ID), 'x-graphql': { status: 404, body: '' } });
    const x = createLiveCollectors(testConfig(), http, runtime).twitter;
    const post = refOf(X_GRAPHQL.link);
    for (let slot = 0; slot < 10; slot++) {
      expect(observed((await x.collect([post]))[0]).provider).toBe('x-syndication');
      clock += MINUTE;
    }
    // Three failed GraphQL queries, then syndication alone for the 15-minute cool-down.
    expect(platforms.requestsTo('x-graphql')).toHaveLength(3);
    expect(platforms.requestsTo('x-syndication')).toHaveLength(10);
    const outcomes = (source: string) =>
      attempts.filter(([platform, s]) => platform === 'twitter' && s === source).map(([, , o]) => o);
    expect(outcomes('x-graphql')).toEqual(['format_changed', 'format_changed', 'format_changed']);
    expect(outcomes('x-syndication')).toEqual(Array(10).fill('success'));
  });
});
