// Live keys end to end, per platform: the HTTP API, the real snapshot engine and the production collectors
// (`createLiveCollectors` over `createHttpClient` with CONTENTSTATS_UPSTREAMS) against a local fake
// platform serving each platform's committed fixtures (test/fake-platform/platforms.ts routes by the real
// origin and path; scenarios.ts holds each platform's answers and what the service must make of them), so
// the code under test is the code that runs in production.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snapshotSchema, videoDetailSchema } from '../../src/api/contract/components.ts';
import { TestClock } from '../../src/clock.ts';
import type { LiveCollectors } from '../../src/compose.ts';
import { type Config, testConfig } from '../../src/config.ts';
import { type ClosableHttpClient, createHttpClient } from '../../src/http/client.ts';
import { createLiveCollectors } from '../../src/platforms/live-collectors.ts';
import { loadFixture } from '../../src/platforms/tiktok/fixture-pages.ts';
import { type FakePlatforms, isPlatformOrigin, startFakePlatforms } from '../fake-platform/platforms.ts';
import {
  BLOCKED,
  type Counts,
  PLATFORM_VARIANTS,
  type PlatformVariant,
  TIKTOK,
  TIKTOK_ID,
  TIKTOK_LATER,
} from '../fake-platform/scenarios.ts';
import { fakeReply } from '../fake-platform/server.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { freePort } from '../support/processes.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const NOT_FOUND_BODY = { error: 'Video not found or is private' };
const UNREADABLE_ERROR = 'Failed to start monitoring - invalid response from tracking API';
/** Track's 500: contentstats.io's exact `error`, and in `reason` what went wrong, per kind of failure. */
const unreadableBody = (reason: string) => ({ error: UNREADABLE_ERROR, reason });

/** Every platform, each way of reading it a row. */
const VARIANT_ROWS = PLATFORM_VARIANTS.map((variant) => [variant.name, variant] as const);

// The two dialects run side by side (one waits on PostgreSQL while the other works), each with its own
// database, clock, fake platform and outbound client. Within a dialect the tests share those, so its
// suites are `describe.sequential`: one test after another.
describe.concurrent.each(DIALECTS)('live keys against the platforms (%s)', (dialect) => {
  const clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
  // The production collectors, rebuilt for each test (no test inherits a guest token or an API pause).
  // The service looks a live collector up on every use, so replacing the entries swaps them.
  const live: LiveCollectors = {};
  let api: TestApi;
  let account: { id: string; liveKey: string; testKey: string };

  const useCollectors = (config: Partial<Config>) =>
    Object.assign(live, createLiveCollectors(testConfig(config), http));

  let platforms: FakePlatforms;
  let http: ClosableHttpClient;

  beforeAll(async () => {
    platforms = await startFakePlatforms();
    http = createHttpClient({ upstreams: platforms.upstreams, timeoutMs: 5_000 });
    api = await createTestApi(dialect, { clock, liveCollectors: live });
  });
  afterAll(async () => {
    await api.close();
    await http.close();
    await platforms.close();
  });

  beforeEach(async () => {
    platforms.reset();
    account = await api.createAccount({ creditUsd: 10 });
  });

  afterEach(async () => {
    // Invariant 5 in docs/architecture.md, for every test: nothing but the platforms' allow-listed hosts was
    // ever contacted.
    for (const request of platforms.requests) expect(isPlatformOrigin(request.upstream)).toBe(true);
    // Leave nothing due for the next test's engine passes.
    const monitoring = await get('/api/v1/videos?status=monitoring');
    for (const video of monitoring.videos as Array<{ id: string }>) {
      await api.call('POST', `/api/v1/videos/${video.id}/stop`, { key: account.liveKey });
    }
  });

  async function get(url: string) {
    const response = await api.call('GET', url, { key: account.liveKey });
    expect(response.statusCode).toBe(200);
    return response.json();
  }
  const track = (link: string, days = 1) =>
    api.call('POST', '/api/v1/videos/track', {
      key: account.liveKey,
      body: { video_link: link, duration_days: days },
    });
  const usage = () => get('/api/v1/usage');
  const countsOf = (snapshot: Counts) => ({
    views: snapshot.views,
    likes: snapshot.likes,
    comments: snapshot.comments,
    shares: snapshot.shares,
    saves: snapshot.saves,
  });

  async function trackFirst(variant: PlatformVariant): Promise<string> {
    platforms.serve(variant.first.routes);
    const response = await track(variant.link);
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  }

  async function expectNothingStored() {
    const db = api.store.db;
    expect(await db.selectFrom('videos').select('id').where('account_id', '=', account.id).execute()).toEqual(
      [],
    );
    const ledger = await db
      .selectFrom('ledger_entries')
      .select('kind')
      .where('account_id', '=', account.id)
      .execute();
    expect(ledger.map((entry) => entry.kind)).toEqual(['credit']);
    expect(await usage()).toMatchObject({
      balance_usd: 10,
      available_usd: 10,
      total_snapshots: 0,
      total_charged_usd: 0,
      uncharged_usage_usd: 0,
    });
    await expectInvariants(api.store, account.id);
  }

  describe.sequential.each(VARIANT_ROWS)('%s', (_name, variant) => {
    beforeEach(() => {
      useCollectors(variant.config);
    });

    it('tracks with the exact counts, takes the next snapshot when due, charges each once, and stops', async () => {
      platforms.serve(variant.first.routes);
      const createdAt = clock.now();
      const response = await track(variant.link);
      expect(response.statusCode, response.body).toBe(201);
      const tracked = response.json();
      expect(tracked).toMatchObject({
        video_link: variant.link,
        platform: variant.platform,
        status: 'monitoring',
        canonical_url: variant.canonicalUrl,
        current_metadata: variant.metadata,
        snapshots_collected: 1,
        estimated_cost: 0.36,
        next_snapshot_at: new Date(createdAt + HOUR).toISOString(),
      });
      expect(tracked.latest).toMatchObject({ slot: 0, provider: variant.provider });
      expect(countsOf(tracked.latest)).toEqual(variant.first.counts);

      // An hour later the platform shows higher counts.
      clock.advance(HOUR);
      platforms.serve(variant.later.routes());
      const engine = createTestEngine(api);
      const pass = await engine.runDue();
      expect(pass.fates).toMatchObject({ stored: 1, retry: 0, missed: 0, ended: 0 });
      expect((await engine.runDue()).leased).toBe(0);

      const video = await get(`/api/v1/videos/${tracked.id}`);
      expect(video).toMatchObject({
        status: 'monitoring',
        is_deleted: false,
        current_metadata: variant.metadata,
        snapshots_collected: 2,
        snapshots_missed: 0,
      });
      expect(video.snapshots.map((s: { slot: number; provider: string }) => [s.slot, s.provider])).toEqual([
        [0, variant.provider],
        [1, variant.provider],
      ]);
      expect(countsOf(video.snapshots[0])).toEqual(variant.first.counts);
      expect(countsOf(video.snapshots[1])).toEqual(variant.later.counts);
      expect(video.snapshots[1].snapshot_time).toBe(new Date(createdAt + HOUR).toISOString());

      // Charged once per stored snapshot, out of the reservation: each carries its charge and names the
      // batch entry that posted it.
      const charges = await api.store.db
        .selectFrom('snapshots as s')
        .innerJoin('videos as v', 'v.video_key', 's.video_key')
        .innerJoin('ledger_entries as l', 'l.id', 's.ledger_entry_id')
        .select(['s.slot', 's.charged_micro_usd', 'l.kind', 'l.balance_delta_micro_usd'])
        .where('v.id', '=', tracked.id)
        .orderBy('s.slot')
        .execute();
      expect(
        charges.map((c) => [c.slot, Number(c.charged_micro_usd), c.kind, Number(c.balance_delta_micro_usd)]),
      ).toEqual([
        [0, 15_000, 'batch_charge', -15_000],
        [1, 15_000, 'batch_charge', -15_000],
      ]);
      expect(await usage()).toMatchObject({
        total_snapshots: 2,
        total_charged_usd: 0.03,
        uncharged_usage_usd: 0.33,
      });

      const stop = await api.call('POST', `/api/v1/videos/${tracked.id}/stop`, { key: account.liveKey });
      expect(stop.statusCode).toBe(200);
      expect(stop.json()).toMatchObject({
        success: true,
        previous_status: 'monitoring',
        new_status: 'completed',
      });
      expect(await get(`/api/v1/videos/${tracked.id}`)).toMatchObject({
        status: 'completed',
        next_snapshot_at: null,
      });
      expect(await usage()).toMatchObject({
        balance_usd: 9.97,
        available_usd: 9.97,
        uncharged_usage_usd: 0,
        total_charged_usd: 0.03,
        active_videos: 0,
      });
      clock.advance(HOUR);
      expect((await engine.runDue()).leased).toBe(0);
      await expectInvariants(api.store, account.id);
    });

    it.each(variant.unavailable)('%s at track time is a 404 and nothing is stored', async (_name, answer) => {
      platforms.serve(answer);
      const response = await track(variant.link);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(NOT_FOUND_BODY);
      await expectNothingStored();
    });

    it.each(variant.unreadable)(
      '%s at track time is a 500 that says why, and nothing is stored or charged',
      async (_name, answer, reason) => {
        platforms.serve(answer);
        const response = await track(variant.link);
        expect(response.statusCode).toBe(500);
        expect(response.json()).toEqual(unreadableBody(reason));
        await expectNothingStored();
      },
    );

    it.each(variant.ends.map((end) => [end.name, end] as const))(
      'a video that turns %s ends in error without a charge',
      async (_name, end) => {
        const id = await trackFirst(variant);
        clock.advance(HOUR);
        platforms.serve(end.routes);
        const engine = createTestEngine(api);
        expect((await engine.runDue()).fates).toMatchObject({ ended: 1, stored: 0 });
        expect(await get(`/api/v1/videos/${id}`)).toMatchObject({
          status: 'error',
          is_deleted: end.isDeleted,
          error_reason: end.reason,
          snapshots_collected: 1,
          next_snapshot_at: null,
        });
        expect(await usage()).toMatchObject({
          total_charged_usd: 0.015,
          uncharged_usage_usd: 0,
          balance_usd: 9.985,
          active_videos: 0,
        });
        clock.advance(HOUR);
        expect((await engine.runDue()).leased).toBe(0);
        await expectInvariants(api.store, account.id);
      },
    );

    it.each(variant.troubles)(
      '%s after tracking is retried, then the slot is missed and not charged',
      async (_name, answer, retryAfterSeconds) => {
        const id = await trackFirst(variant);
        const createdAt = clock.now();
        const requestsBefore = platforms.requests.length;
        clock.advance(HOUR);
        platforms.serve(answer);
        const engine = createTestEngine(api);
        const first = await engine.runDue();
        expect(first.fates).toMatchObject({ retry: 1, stored: 0, ended: 0 });
        const firstRetryAt = Date.parse((await get(`/api/v1/videos/${id}`)).next_snapshot_at);
        if (retryAfterSeconds === null) expect(firstRetryAt - clock.now()).toBeLessThan(60_000);
        // The platform's Retry-After travels through the collector to the schedule.
        else expect(firstRetryAt - clock.now()).toBe(retryAfterSeconds * 1000);

        // Follow the engine's own schedule (backoff, Retry-After, the circuit breaker) until it gives slot 1 up.
        let passes = 1;
        for (; passes < 200; passes++) {
          const row = await api.store.db
            .selectFrom('videos')
            .select(['next_due_at', 'snapshots_missed'])
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          if (row.snapshots_missed > 0) break;
          clock.set(Math.max(Number(row.next_due_at), clock.now()));
          const pass = await engine.runDue();
          expect(pass.fates.stored + pass.fates.ended).toBe(0);
        }
        expect(passes).toBeGreaterThan(2);
        // Each retry asked the platform again.
        expect(platforms.requests.length - requestsBefore).toBeGreaterThan(2);

        const video = await get(`/api/v1/videos/${id}`);
        expect(video).toMatchObject({ status: 'monitoring', snapshots_collected: 1, snapshots_missed: 1 });
        // The answers are what the OpenAPI document describes, a missed slot's snapshot included.
        expect(videoDetailSchema.safeParse(video).error).toBeUndefined();
        // The schedule moved on to a later slot.
        expect(Date.parse(video.next_snapshot_at)).toBeGreaterThan(createdAt + HOUR);
        const withMissed = await get(`/api/v1/videos/${id}/snapshots?include_missed=true`);
        expect(withMissed.snapshots[1]).toMatchObject({
          slot: 1,
          missed: true,
          views: null,
          likes: null,
          comments: null,
        });
        expect(snapshotSchema.safeParse(withMissed.snapshots[1]).error).toBeUndefined();
        expect(await usage()).toMatchObject({
          total_snapshots: 1,
          total_charged_usd: 0.015,
          uncharged_usage_usd: 0.345,
        });
        await expectInvariants(api.store, account.id);
      },
    );
  });

  describe.sequential('a platform that cannot be reached at track time', () => {
    /** Tracks the TikTok video with the production collectors over `client` (closed afterwards). */
    async function trackThrough(client: ClosableHttpClient) {
      Object.assign(live, createLiveCollectors(testConfig({}), client));
      try {
        return await track(TIKTOK.link);
      } finally {
        await client.close();
      }
    }

    it('nothing listening: a 500 naming the platform host it could not connect to', async () => {
      const deadOrigin = `http://127.0.0.1:${await freePort()}`;
      const response = await trackThrough(
        createHttpClient({ upstreams: { 'https://www.tiktok.com': deadOrigin }, timeoutMs: 5_000 }),
      );
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual(
        unreadableBody('TikTok could not be reached (network error connecting to www.tiktok.com)'),
      );
      // The replacement address is the operator's plumbing, not the platform's: never shown.
      expect(response.body).not.toContain('127.0.0.1');
      await expectNothingStored();
    });

    it('no answer in time: a 500 saying the platform host did not answer', async () => {
      platforms.serve({ 'tiktok-page': fakeReply.slow(2_000, fakeReply.html(loadFixture('video-page'))) });
      // Any deadline under the fake's 2 s fails the same way (it covers connecting too); a short one keeps
      // the two attempts (the quick retry at track time) from costing the suite real time.
      const response = await trackThrough(
        createHttpClient({ upstreams: platforms.upstreams, timeoutMs: 50 }),
      );
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual(
        unreadableBody('TikTok could not be reached (www.tiktok.com did not answer in time)'),
      );
      await expectNothingStored();
    });
  });

  describe.sequential('TikTok short links', () => {
    const SHORT_LINK = 'https://vm.tiktok.com/ZMabc123/';

    beforeEach(() => {
      useCollectors({});
    });

    it('a vm.tiktok.com link is followed through its redirects and tracked end to end', async () => {
      platforms.serve({
        'tiktok-short-link': fakeReply.redirect(
          `https://www.tiktok.com/@marisol.bakes/video/${TIKTOK_ID}?_t=8kLmN0pQrSt&_r=1`,
          301,
        ),
        'tiktok-page': fakeReply.html(loadFixture('video-page')),
      });
      const response = await track(SHORT_LINK);
      expect(response.statusCode, response.body).toBe(201);
      const tracked = response.json();
      expect(tracked).toMatchObject({
        video_link: SHORT_LINK,
        platform: 'tiktok',
        canonical_url: TIKTOK.canonicalUrl,
        current_metadata: TIKTOK.metadata,
      });
      expect(countsOf(tracked.latest)).toEqual(TIKTOK.first.counts);
      // The short link hop, then the canonical page: never the link's own target page.
      expect(platforms.requests.map((request) => request.url.href)).toEqual([
        SHORT_LINK,
        `https://www.tiktok.com/@_/video/${TIKTOK_ID}`,
      ]);

      clock.advance(HOUR);
      platforms.serve(TIKTOK.later.routes());
      expect((await createTestEngine(api).runDue()).fates.stored).toBe(1);
      const video = await get(`/api/v1/videos/${tracked.id}`);
      expect(countsOf(video.snapshots[1])).toEqual(TIKTOK_LATER);
      const stop = await api.call('POST', `/api/v1/videos/${tracked.id}/stop`, { key: account.liveKey });
      expect(stop.json()).toMatchObject({ new_status: 'completed' });
      expect(await usage()).toMatchObject({ balance_usd: 9.97, uncharged_usage_usd: 0 });
      await expectInvariants(api.store, account.id);
    });

    it('a short link that redirects to a foreign host is a 500 and that host is never contacted', async () => {
      platforms.serve({ 'tiktok-short-link': fakeReply.redirect('https://phish.example/win-a-prize') });
      const response = await track(SHORT_LINK);
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual(unreadableBody(BLOCKED('TikTok')));
      expect(platforms.requests.length).toBeGreaterThan(0);
      expect(platforms.requests.every((request) => request.upstream === 'https://vm.tiktok.com')).toBe(true);
      await expectNothingStored();
    });

    it('a video page that redirects to a foreign host is a 500 and that host is never contacted', async () => {
      platforms.serve({ 'tiktok-page': fakeReply.redirect('https://phish.example/verify') });
      const response = await track(TIKTOK.link);
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual(unreadableBody(BLOCKED('TikTok')));
      // Asked twice (the quick retry at track time), both times TikTok only.
      expect(platforms.requestsTo('tiktok-page')).toHaveLength(2);
      expect(platforms.requests.every((request) => request.upstream === 'https://www.tiktok.com')).toBe(true);
      await expectNothingStored();
    });
  });
});
