// A rotation of X's GraphQL operation id while a video is tracked, through the whole service: the track
// request, the scheduler's passes, the production collectors and HTTP client against the fake platforms,
// and the source health counts. Nothing is restarted.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import type { LiveCollectors } from '../../src/compose.ts';
import { createAttemptRecorder } from '../../src/health/attempt-recorder.ts';
import { type ClosableHttpClient, createHttpClient } from '../../src/http/client.ts';
import { createLiveCollectors } from '../../src/platforms/live-collectors.ts';
import { type FakePlatforms, startFakePlatforms } from '../fake-platform/platforms.ts';
import { X_GRAPHQL, xWebAppDeployedWith } from '../fake-platform/scenarios.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;

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

describe.each(DIALECTS)('a platform changing under a tracked video (%s)', (dialect) => {
  let api: TestApi;
  const live: LiveCollectors = {};
  beforeEach(async () => {
    platforms.reset();
    api = await createTestApi(dialect, {
      clock: new TestClock(Date.parse('2026-06-01T12:00:00.000Z')),
      liveCollectors: live,
    });
  });
  afterEach(() => api.close());

  it("follows X's rotated operation id without a restart, and the health endpoint counts every read", async () => {
    const recorder = createAttemptRecorder({ store: api.store, clock: api.clock });
    Object.assign(
      live,
      createLiveCollectors(api.config, http, {
        recordAttempt: recorder.recordAttempt,
        now: () => api.clock.now(),
      }),
    );
    const account = await api.createAccount({ creditUsd: 10 });
    platforms.serve(xWebAppDeployedWith('BeforeDeploy1111'));
    const tracked = await api.call('POST', '/api/v1/videos/track', {
      key: account.liveKey,
      body: { video_link: X_GRAPHQL.link, duration_days: 1 },
    });
    expect(tracked.statusCode, tracked.body).toBe(201);
    const videoId = tracked.json().id as string;

    // X redeploys its web app between slot 0 and slot 1.
    platforms.serve(xWebAppDeployedWith('AfterDeploy22222'));
    const engine = createTestEngine(api);
    for (let slot = 1; slot <= 3; slot++) {
      api.clock.advance(HOUR);
      expect((await engine.runDue()).fates).toMatchObject({ stored: 1, missed: 0, retry: 0 });
    }

    const snapshots = (
      await api.call('GET', `/api/v1/videos/${videoId}/snapshots`, { key: account.liveKey })
    ).json().snapshots as Array<{ provider: string; views: string | null }>;
    // Slot 1 came from syndication (no view count), slot 2 from GraphQL under the id read from the new bundle.
    expect(snapshots.map((s) => [s.provider, s.views])).toEqual([
      ['x-graphql', '1843921'],
      ['x-syndication', null],
      ['x-graphql', '1843921'],
      ['x-graphql', '1843921'],
    ]);
    const idsAsked = platforms.requestsTo('x-graphql').map((request) => request.url.pathname.split('/')[2]);
    expect(idsAsked).toEqual([
      'BeforeDeploy1111',
      'BeforeDeploy1111',
      'BeforeDeploy1111',
      'AfterDeploy22222',
      'AfterDeploy22222',
    ]);

    await recorder.flush();
    const health = (
      await api.call('GET', '/admin/v1/health/sources', {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json() as {
      sources: Array<{ source: string; last_day: { attempts: number; outcomes: Record<string, number> } }>;
    };
    const graphql = health.sources.find((s) => s.source === 'x-graphql')!;
    // Five GraphQL requests, each one attempt: three answered, two said the format changed.
    expect(graphql.last_day.attempts).toBe(idsAsked.length);
    expect(graphql.last_day.outcomes).toMatchObject({ success: 3 / 5, format_changed: 2 / 5 });
    expect(health.sources.find((s) => s.source === 'x-syndication')?.last_day.attempts).toBe(
      platforms.requestsTo('x-syndication').length,
    );
    await expectInvariants(api.store, account.id);
  });
});
