// `contentstats doctor` against the fake platforms, through CONTENTSTATS_UPSTREAMS: the production sources,
// HTTP client and configuration, one failure mode per platform at a time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlatformCheck } from '../../src/platforms/source-check.ts';
import { loadFixture } from '../../src/platforms/tiktok/fixture-pages.ts';
import { htmlFile } from '../fake-platform/fixtures.ts';
import { type FakePlatforms, startFakePlatforms } from '../fake-platform/platforms.ts';
import {
  HEALTHY_ROUTES,
  INSTAGRAM_GRAPHQL,
  TIKTOK,
  X_BUILT_IN_QUERY_ID,
  X_GRAPHQL,
  xWebAppDeployedWith,
  YOUTUBE_WEB,
} from '../fake-platform/scenarios.ts';
import { fakeReply } from '../fake-platform/server.ts';
import { runInProcess } from './run-cli.ts';

let platforms: FakePlatforms;
beforeAll(async () => {
  platforms = await startFakePlatforms();
});
afterAll(() => platforms.close());
beforeEach(() => platforms.reset());

const VIDEOS = [TIKTOK.link, YOUTUBE_WEB.link, INSTAGRAM_GRAPHQL.link, X_GRAPHQL.link].flatMap((link) => [
  '--video',
  link,
]);
const HEALTHY = { ...HEALTHY_ROUTES, ...xWebAppDeployedWith(X_BUILT_IN_QUERY_ID) };

const doctor = (args: string[], upstreams: Record<string, string> = platforms.upstreams, env = {}) =>
  runInProcess({ LOG_LEVEL: 'silent', CONTENTSTATS_UPSTREAMS: JSON.stringify(upstreams), ...env }, [
    'doctor',
    ...args,
  ]);

const parse = (stdout: string) => JSON.parse(stdout) as { ok: boolean; platforms: PlatformCheck[] };
const sourceOf = (checks: PlatformCheck[], name: string) => {
  const found = checks.flatMap((check) => check.sources).find((source) => source.source === name);
  if (!found) throw new Error(`no check of ${name}`);
  return found;
};

describe('contentstats doctor', () => {
  it('reads each source of each platform in order and exits 0 when every platform has one that works', async () => {
    platforms.serve(HEALTHY);
    const run = await doctor(VIDEOS);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('TikTok (video 7401234567890123456): working');
    expect(run.stdout).toMatch(/source\s+reachable\s+HTTP\s+recognised\s+counts\s+latency\s+problem/);
    expect(run.stdout).toMatch(/tiktok-web\s+yes\s+200\s+yes\s+views 21984337, likes 1843022/);
    expect(run.stdout).toMatch(
      new RegExp(`operation id ${X_BUILT_IN_QUERY_ID} \\(discovered \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)`),
    );

    const json = parse((await doctor([...VIDEOS, '--json'])).stdout);
    expect(json.ok).toBe(true);
    expect(json.platforms.map((p) => [p.platform, p.sources.map((s) => s.source)])).toEqual([
      ['tiktok', ['tiktok-web']],
      ['youtube', ['youtube-web']],
      ['instagram', ['instagram-graphql', 'instagram-graphql-legacy', 'instagram-web']],
      ['twitter', ['x-graphql', 'x-syndication']],
    ]);
    expect(sourceOf(json.platforms, 'x-graphql')).toMatchObject({
      reachable: true,
      httpStatus: 200,
      recognised: true,
      counts: { views: '1843921', likes: '48213' },
      failure: null,
    });
  });

  it('asks the official APIs first when their keys are set', async () => {
    platforms.serve(HEALTHY);
    const json = parse(
      (
        await doctor(
          [...VIDEOS, '--json', '--platform', 'youtube', '--platform', 'twitter'],
          platforms.upstreams,
          {
            YOUTUBE_API_KEY: 'AIzaSy-e2e-test-key',
            X_BEARER_TOKEN: 'e2e-test-bearer',
          },
        )
      ).stdout,
    );
    expect(json.platforms.map((p) => p.sources.map((s) => s.source))).toEqual([
      ['youtube-data-api', 'youtube-web'],
      ['x-api-v2', 'x-graphql', 'x-syndication'],
    ]);
    expect(sourceOf(json.platforms, 'youtube-data-api').failure).toBeNull();
    expect(sourceOf(json.platforms, 'x-api-v2').failure).toBeNull();
  });

  it('names each failure kind with its hint, and exits 1 when a platform has no working source', async () => {
    platforms.serve({
      // TikTok: the JavaScript challenge (a bot check).
      'tiktok-page': fakeReply.html(loadFixture('challenge')),
      // YouTube: the test video is gone.
      'youtube-watch': htmlFile('youtube', 'watch-unavailable.html'),
      // Instagram: rate limited everywhere.
      'instagram-graphql': fakeReply.tooManyRequests(600),
      'instagram-graphql-legacy': fakeReply.tooManyRequests(600),
      'instagram-page': fakeReply.tooManyRequests(600),
      // X: the operation id is out of date and the bundle names no other; syndication still answers.
      ...xWebAppDeployedWith(X_BUILT_IN_QUERY_ID),
      'x-graphql': { status: 404, body: '' },
    });
    const run = await doctor([...VIDEOS, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('contentstats: no working source for TikTok, YouTube, Instagram\n');
    const json = parse(run.stdout);
    expect(json.ok).toBe(false);
    expect(json.platforms.map((p) => p.working)).toEqual([false, false, false, true]);

    expect(sourceOf(json.platforms, 'tiktok-web')).toMatchObject({
      reachable: true,
      httpStatus: 200,
      recognised: false,
      counts: null,
      failure: { kind: 'blocked' },
    });
    expect(sourceOf(json.platforms, 'tiktok-web').failure?.hint).toContain('CONTENTSTATS_PROXY_URLS');
    expect(sourceOf(json.platforms, 'youtube-web')).toMatchObject({
      recognised: true,
      failure: { kind: 'not_found' },
    });
    expect(sourceOf(json.platforms, 'youtube-web').failure?.hint).toContain('--video');
    expect(sourceOf(json.platforms, 'instagram-web')).toMatchObject({
      httpStatus: 429,
      failure: { kind: 'rate_limited' },
    });
    const graphql = sourceOf(json.platforms, 'x-graphql');
    expect(graphql).toMatchObject({ httpStatus: 404, failure: { kind: 'format_changed' } });
    expect(graphql.failure?.hint).toContain('set X_GRAPHQL_QUERY_ID (and X_GRAPHQL_FEATURES) by hand');
    expect(sourceOf(json.platforms, 'x-syndication').failure).toBeNull();

    const table = (await doctor(VIDEOS)).stdout;
    expect(table).toContain('TikTok (video 7401234567890123456): NO WORKING SOURCE');
    expect(table).toContain('    blocked: a bot check, sign-in wall or refusal');
    expect(table).toContain(
      '    format_changed: the answer was not recognised: update contentstats, or set X_GRAPHQL_QUERY_ID',
    );
  });

  it('tells a platform that does not answer in time from one that cannot be reached', async () => {
    platforms.serve({ 'tiktok-page': fakeReply.slow(3_000, fakeReply.html(loadFixture('video-page'))) });
    // YouTube's origins lead to a port nothing listens on.
    const upstreams = {
      ...platforms.upstreams,
      'https://www.youtube.com': 'http://127.0.0.1:9',
    };
    const run = await doctor(
      [...VIDEOS, '--json', '--timeout', '1', '--platform', 'tiktok', '--platform', 'youtube'],
      upstreams,
    );
    expect(run.code).toBe(1);
    const json = parse(run.stdout);
    expect(sourceOf(json.platforms, 'tiktok-web')).toMatchObject({
      reachable: false,
      httpStatus: null,
      failure: { kind: 'transient' },
    });
    expect(sourceOf(json.platforms, 'tiktok-web').failure?.hint).toBe(
      'www.tiktok.com did not answer in time: check the network and the proxies',
    );
    expect(sourceOf(json.platforms, 'youtube-web').failure?.hint).toBe(
      'cannot connect to www.youtube.com: check DNS, the firewall and the proxies',
    );
  });

  it('says when the test video itself is private, and that the source works', async () => {
    platforms.serve({ 'tiktok-page': fakeReply.html(loadFixture('private-video')) });
    const run = await doctor([...VIDEOS, '--json', '--platform', 'tiktok']);
    expect(run.code).toBe(1);
    const check = sourceOf(parse(run.stdout).platforms, 'tiktok-web');
    expect(check).toMatchObject({ reachable: true, recognised: true, failure: { kind: 'private' } });
    expect(check.failure?.hint).toBe(
      'the source works, but says the test video is private: name another with --video',
    );
  });

  it('refuses a link that names no video, and an unknown platform', async () => {
    expect((await doctor(['--video', 'https://example.com/watch'])).code).toBe(2);
    expect((await doctor(['--platform', 'myspace'])).code).toBe(2);
  });
});
