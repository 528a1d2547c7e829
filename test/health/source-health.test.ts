// Source health end to end on both databases: the production collectors read the fake platforms and report
// every source they read; the counts are flushed to the database; GET /admin/v1/health/sources and /metrics
// answer from them; a source that falls under the threshold is emailed to the operator once, through the
// outbox and a real SMTP server, and once more when it recovers.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createAttemptRecorder } from '../../src/health/attempt-recorder.ts';
import { createSourceHealthMonitor } from '../../src/health/monitor.ts';
import { type ClosableHttpClient, createHttpClient } from '../../src/http/client.ts';
import { createLiveCollectors } from '../../src/platforms/live-collectors.ts';
import { parseVideoUrl } from '../../src/platforms/parse-video-url.ts';
import type { VideoRef } from '../../src/platforms/types.ts';
import { openStore } from '../../src/store/database.ts';
import { type FakePlatforms, startFakePlatforms } from '../fake-platform/platforms.ts';
import { INSTAGRAM_PAGE, TIKTOK, X_GRAPHQL, xWebAppDeployedWith } from '../fake-platform/scenarios.ts';
import { createNotifyFixture, type NotifyFixture } from '../notify/notify-fixture.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

const MINUTE = 60_000;
const START = Date.parse('2026-05-04T09:00:00.000Z');
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

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

function refOf(link: string): VideoRef {
  const parsed = parseVideoUrl(link);
  if (parsed.kind !== 'video') throw new Error(`${link} is not a video link`);
  return parsed.ref;
}

describe.each(DIALECTS)('source health (%s)', (dialect) => {
  let api: TestApi;
  beforeEach(async () => {
    platforms.reset();
    api = await createTestApi(dialect, { clock: new TestClock(START) });
  });
  afterEach(() => api.close());

  const health = async () => {
    const response = await api.call('GET', '/admin/v1/health/sources', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    return response.json() as {
      sources: Array<{
        platform: string;
        source: string;
        last_hour: { attempts: number; working_share: number | null; outcomes: Record<string, number> };
        last_day: { attempts: number; working_share: number | null; outcomes: Record<string, number> };
        last_success_at: string | null;
        state: string;
      }>;
    };
  };

  it('answers, per source, the numbers of the attempts the collectors made, over the hour and the day', async () => {
    const recorder = createAttemptRecorder({ store: api.store, clock: api.clock });
    const collectors = createLiveCollectors(api.config, http, {
      recordAttempt: recorder.recordAttempt,
      now: () => api.clock.now(),
    });
    // TikTok answers; X's GraphQL answers 404 (syndication answers instead); Instagram's queries are retired.
    platforms.serve({
      ...TIKTOK.first.routes,
      ...xWebAppDeployedWith('SomeDeploy000aaaa'),
      'x-graphql': { status: 404, body: '' },
      ...INSTAGRAM_PAGE.first.routes,
    });
    // Two hours ago: two TikTok reads. Now: two more, two X posts and one Instagram post.
    api.clock.set(START - 2 * 60 * MINUTE);
    for (let i = 0; i < 2; i++) await collectors.tiktok.collect([refOf(TIKTOK.link)]);
    await recorder.flush();
    api.clock.set(START);
    for (let i = 0; i < 2; i++) await collectors.tiktok.collect([refOf(TIKTOK.link)]);
    await collectors.twitter.collect([refOf(X_GRAPHQL.link)]);
    await collectors.twitter.collect([refOf(X_GRAPHQL.link)]);
    await collectors.instagram.collect([refOf(INSTAGRAM_PAGE.link)]);
    expect(recorder.pending).toBe(2 + 2 + 2 + 3);
    await recorder.flush();
    expect(recorder.pending).toBe(0);

    const bySource = Object.fromEntries((await health()).sources.map((s) => [s.source, s]));
    expect(Object.keys(bySource)).toEqual([
      'tiktok-web',
      'instagram-graphql',
      'instagram-graphql-legacy',
      'instagram-web',
      'x-graphql',
      'x-syndication',
    ]);
    // The fake saw exactly the reads the endpoint counts.
    expect(platforms.requestsTo('tiktok-page')).toHaveLength(4);
    expect(bySource['tiktok-web']).toMatchObject({
      platform: 'tiktok',
      last_hour: { attempts: 2, working_share: 1 },
      last_day: { attempts: 4, working_share: 1 },
      last_success_at: new Date(START).toISOString(),
      state: 'ok',
    });
    expect(platforms.requestsTo('x-graphql')).toHaveLength(2);
    expect(bySource['x-graphql']?.last_hour).toMatchObject({ attempts: 2, working_share: 0 });
    expect(bySource['x-graphql']?.last_hour.outcomes).toMatchObject({ format_changed: 1, success: 0 });
    expect(bySource['x-graphql']?.last_success_at).toBeNull();
    expect(bySource['x-syndication']?.last_hour).toMatchObject({ attempts: 2, working_share: 1 });
    expect(bySource['instagram-graphql']?.last_hour.outcomes.format_changed).toBe(1);
    expect(bySource['instagram-web']?.last_hour.outcomes.success).toBe(1);

    const metrics = (await api.call('GET', '/metrics')).body;
    expect(metrics).toContain(
      'contentstats_source_attempts{platform="tiktok",source="tiktok-web",window="24h"} 4',
    );
    expect(metrics).toContain(
      'contentstats_source_working_ratio{platform="twitter",source="x-graphql",window="1h"} 0',
    );
    expect(metrics).toContain(
      'contentstats_source_outcome_ratio{outcome="format_changed",platform="twitter",source="x-graphql",window="1h"} 1',
    );
    expect(metrics).toContain(
      `contentstats_source_last_success_timestamp_seconds{platform="tiktok",source="tiktok-web"} ${START / 1000}`,
    );
  });

  it('adds the counts of several processes flushing the same minute', async () => {
    const other = openStore(api.store.url, api.store.pgSchema ? { pgSchema: api.store.pgSchema } : {});
    try {
      const a = createAttemptRecorder({ store: api.store, clock: api.clock });
      const b = createAttemptRecorder({ store: other, clock: api.clock });
      for (let i = 0; i < 3; i++) a.recordAttempt('youtube', 'youtube-web', 'success');
      for (let i = 0; i < 5; i++) b.recordAttempt('youtube', 'youtube-web', 'blocked');
      b.recordAttempt('youtube', 'youtube-web', 'success');
      await Promise.all([a.flush(), b.flush()]);
      const [source] = (await health()).sources;
      expect(source?.last_hour).toMatchObject({ attempts: 9, working_share: 4 / 9 });
      expect(source?.last_hour.outcomes.blocked).toBeCloseTo(5 / 9);
    } finally {
      await other.close();
    }
  });

  it('is refused without the operator token', async () => {
    expect((await api.call('GET', '/admin/v1/health/sources')).statusCode).toBe(401);
  });
});

describe.each(DIALECTS)('source alerts to the operator (%s)', (dialect) => {
  let f: NotifyFixture;
  beforeEach(async () => {
    f = await createNotifyFixture(dialect);
  });
  afterEach(() => f.close());

  const policy = { belowShare: 0.5, windowMs: 30 * MINUTE, minAttempts: 20 };
  it('emails once when a source drops under the threshold, and once when it recovers', async () => {
    const recorder = createAttemptRecorder({ store: f.store, clock: f.clock });
    const monitor = createSourceHealthMonitor({
      store: f.store,
      clock: f.clock,
      recorder,
      policy,
      operatorEmail: 'ops@example.com',
      log: silentLog,
    });
    const worker = f.worker();
    const reads = (outcome: 'success' | 'format_changed', times: number) => {
      for (let i = 0; i < times; i++) recorder.recordAttempt('twitter', 'x-graphql', outcome);
    };

    // Healthy: nothing to say.
    reads('success', 30);
    await monitor.runOnce();
    // Too few failures yet to judge (19 < 20 attempts in the window after the healthy ones age out).
    f.clock.advance(31 * MINUTE);
    reads('format_changed', 19);
    await monitor.runOnce();
    expect((await worker.runOnce()).sent).toBe(0);

    // Twenty failures in the window: degraded, one email.
    reads('format_changed', 1);
    await monitor.runOnce();
    await monitor.runOnce();
    expect(await worker.runOnce()).toMatchObject({ sent: 1, failed: 0 });
    const alert = f.mailTo('ops@example.com');
    expect(alert.subject).toBe('X source x-graphql is failing (0% working)');
    expect(alert.text).toContain('0% of 20 reads');
    expect(alert.text).toContain('format_changed: 20');
    expect(alert.text).toContain('npx contentstats doctor');

    // Still failing a while later: no second email.
    f.clock.advance(10 * MINUTE);
    reads('format_changed', 25);
    await monitor.runOnce();
    expect((await worker.runOnce()).sent).toBe(0);

    // It works again: one recovery email.
    f.clock.advance(31 * MINUTE);
    reads('success', 18);
    reads('format_changed', 2);
    await monitor.runOnce();
    await monitor.runOnce();
    expect((await worker.runOnce()).sent).toBe(1);
    expect(f.smtp.received).toHaveLength(2);
    const recovered = f.smtp.received[1]!.raw;
    expect(recovered).toContain('Subject: X source x-graphql has recovered (90% working)');
    const state = await f.store.db.selectFrom('source_health').selectAll().executeTakeFirstOrThrow();
    expect(state).toMatchObject({ platform: 'twitter', source: 'x-graphql', state: 'ok' });
    expect(Number(state.state_changed_at)).toBe(f.clock.now());
  });

  it('queues one email when several processes see the drop at once', async () => {
    const second = openStore(f.store.url, f.store.pgSchema ? { pgSchema: f.store.pgSchema } : {});
    try {
      const recorders = [f.store, second].map((store) => createAttemptRecorder({ store, clock: f.clock }));
      const monitors = [f.store, second].map((store, i) =>
        createSourceHealthMonitor({
          store,
          clock: f.clock,
          recorder: recorders[i]!,
          policy,
          operatorEmail: 'ops@example.com',
          log: silentLog,
        }),
      );
      // Each process saw half of the failures: only together do they pass the minimum.
      for (const recorder of recorders)
        for (let i = 0; i < 15; i++) recorder.recordAttempt('tiktok', 'tiktok-web', 'blocked');
      await Promise.all(monitors.map((monitor) => monitor.runOnce()));
      await Promise.all(monitors.map((monitor) => monitor.runOnce()));
      expect((await f.worker().runOnce()).sent).toBe(1);
      expect(f.mailTo('ops@example.com').subject).toBe('TikTok source tiktok-web is failing (0% working)');
    } finally {
      await second.close();
    }
  });
});
