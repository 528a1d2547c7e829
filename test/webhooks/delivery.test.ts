// Real deliveries to a real local receiver, verified with the `standardwebhooks` package as a receiver would:
// every event type, retries on schedule after a 500 and a hang, redelivery, secret rotation, refused private
// targets, hostile receivers, and (PostgreSQL) two workers delivering each event once.
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createHttpClient } from '../../src/http/client.ts';
import type { CollectFailure, Collector, Observation, VideoRef } from '../../src/platforms/types.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { claimDueDeliveries, updateWebhookEndpoint } from '../../src/store/webhooks.ts';
import { createDeliveryWorker, WEBHOOK_USER_AGENT } from '../../src/webhooks/delivery-worker.ts';
import { sendTestEvent } from '../../src/webhooks/endpoints.ts';
import { WEBHOOK_EVENT_TYPES } from '../../src/webhooks/event-types.ts';
import { RETRY_DELAYS_MS } from '../../src/webhooks/retry-schedule.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine, silentLog } from '../support/engine.ts';
import { DIALECTS } from '../support/stores.ts';
import { type ReceivedDelivery, type Receiver, startReceiver } from './receiver.ts';

const HOOKS = 'https://hooks.example.test';

/** The fields of the events' `data` the tests read. */
interface EventData {
  [field: string]: unknown;
  snapshot: { slot: number };
  video: object;
  metric: string;
  threshold: number;
  value: string;
}
const HOUR = 3_600_000;
const START = Date.parse('2024-01-29T10:00:00.000Z');

/** Counts the test sets per video (by platform id), and failures it injects. */
function countingCollector() {
  const counts = new Map<string, { views: bigint; likes: bigint }>();
  const failures = new Map<string, CollectFailure>();
  const collector: Collector = {
    platform: 'tiktok',
    batchSize: 10,
    async collect(refs: readonly VideoRef[]) {
      return refs.map((ref) => {
        const failure = failures.get(ref.videoId);
        if (failure) return { ok: false as const, error: failure };
        const c = counts.get(ref.videoId) ?? { views: 100n, likes: 10n };
        const observation: Observation = {
          metrics: { views: c.views, likes: c.likes, comments: 1n, shares: 2n, saves: 3n },
          metadata: { title: 'A video', creator: 'someone', description: null },
          provider: 'tiktok-web',
        };
        return { ok: true as const, value: observation };
      });
    },
  };
  return { collector, counts, failures };
}

describe.each(DIALECTS)('webhook deliveries (%s)', (dialect) => {
  let api: TestApi;
  let receiver: Receiver;
  let clock: TestClock;
  let script: ReturnType<typeof countingCollector>;
  let http: ReturnType<typeof createHttpClient>;
  const workers: { stop(): Promise<void> }[] = [];

  const worker = (options: { allowPrivateTargets?: boolean; timeoutMs?: number } = {}) => {
    const w = createDeliveryWorker({
      store: api.store,
      clock,
      http,
      log: silentLog,
      allowPrivateTargets: options.allowPrivateTargets ?? false,
      timeoutMs: options.timeoutMs ?? 1_000,
      random: () => 0,
    });
    workers.push(w);
    return w;
  };

  /** Verifies a delivery as a receiver would, its clock reading the service's time. */
  const verify = (secret: string, delivery: ReceivedDelivery) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(clock.now());
    try {
      return new Webhook(secret).verify(delivery.body, delivery.headers) as { type: string; data: never };
    } finally {
      vi.useRealTimers();
    }
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    clock = new TestClock(START);
    script = countingCollector();
    api = await createTestApi(dialect, { clock, liveCollectors: { tiktok: script.collector } });
    http = createHttpClient({
      upstreams: { [HOOKS]: receiver.origin },
      ownHeadersOnly: true,
      userAgent: WEBHOOK_USER_AGENT,
    });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
  });
  afterAll(async () => {
    await http?.close();
    await receiver?.close();
    await api?.close();
  });

  const register = async (key: string, path: string, events: readonly string[] = WEBHOOK_EVENT_TYPES) => {
    const response = await api.call('POST', '/api/v1/webhooks', {
      key,
      body: { url: `${HOOKS}${path}`, events },
    });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; secret: string };
  };
  const deliveriesOf = async (key: string, id: string) =>
    (await api.call('GET', `/api/v1/webhooks/${id}/deliveries?limit=100`, { key })).json().deliveries as {
      id: string;
      event_id: string;
      event_type: string;
      status: string;
      next_attempt_at: string | null;
      attempts: {
        response_status: number | null;
        error: string | null;
        response_body: string | null;
        duration_ms: number;
      }[];
    }[];

  it('delivers every event type, signed, and each verifies with standardwebhooks', async () => {
    const account = await api.createAccount({ creditUsd: 0.5 });
    const hook = await register(account.liveKey, '/all');
    const track = async (platformId: string) => {
      script.counts.set(platformId, { views: 900n, likes: 9_990n });
      const response = await api.call('POST', '/api/v1/videos/track', {
        key: account.liveKey,
        body: { video_link: `https://www.tiktok.com/@u/video/${platformId}`, duration_days: 1 },
      });
      expect(response.statusCode).toBe(201);
      return response.json() as { id: string };
    };
    const engine = createTestEngine(api, {
      breaker: { failureThreshold: 1_000, initialCooldownMs: 1, maxCooldownMs: 1 },
    });
    // Tracking reserves $0.36 of $0.50 and charges slot 0 from it: $0.14 available, under a day ($0.36).
    const video = await track('7300000000000000001');
    // Slot 1: views pass 1,000 and likes 10,000 → snapshot.created and two milestones.
    script.counts.set('7300000000000000001', { views: 1_500n, likes: 10_001n });
    clock.set(START + HOUR);
    await engine.runDue();
    // Paused, then resumed two hours later: the slots in between are missed.
    expect(
      (await api.call('POST', `/api/v1/videos/${video.id}/pause`, { key: account.liveKey })).statusCode,
    ).toBe(200);
    clock.set(START + 3 * HOUR + 60_000);
    await api.call('POST', '/admin/v1/accounts/' + account.id + '/credits', {
      headers: { authorization: `Bearer ${api.config.adminToken}` },
      body: { amount_usd: 1 },
    });
    expect(
      (await api.call('POST', `/api/v1/videos/${video.id}/resume`, { key: account.liveKey })).statusCode,
    ).toBe(200);
    expect(
      (await api.call('POST', `/api/v1/videos/${video.id}/stop`, { key: account.liveKey })).statusCode,
    ).toBe(200);
    // A second video is deleted on the platform: tracking.error.
    const gone = await track('7300000000000000002');
    script.failures.set('7300000000000000002', {
      kind: 'not_found',
      message: 'deleted',
      deleted: true,
    } as CollectFailure);
    clock.set(START + 5 * HOUR);
    await engine.runDue();
    await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: account.liveKey });

    const summary = await worker().runOnce();
    expect(summary.retrying + summary.failed).toBe(0);
    const received = receiver.on('/all');
    const events = received.map((delivery) => verify(hook.secret, delivery));
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(WEBHOOK_EVENT_TYPES));
    for (const delivery of received) {
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
      expect(delivery.headers['webhook-id']).toBe(JSON.parse(delivery.body).id);
      expect(delivery.headers['webhook-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
      // No browser headers leak into a webhook.
      expect(delivery.headers['sec-ch-ua']).toBeUndefined();
    }
    const byType = (type: string) => events.filter((e) => e.type === type) as { data: EventData }[];
    const created = byType('snapshot.created');
    expect(created).toHaveLength(1);
    expect(created[0]!.data.snapshot).toMatchObject({ views: '1500', likes: '10001', slot: 1 });
    // The video as it was right after that snapshot, though it was paused and stopped before the delivery.
    expect(created[0]!.data.video).toMatchObject({
      id: video.id,
      status: 'monitoring',
      snapshots_collected: 2,
      snapshots_missed: 0,
      days_remaining: 1,
      next_snapshot_at: new Date(START + 2 * HOUR).toISOString(),
      ended_at: null,
      snapshots_pruned_at: null,
      current_metadata: { title: 'A video', creator: 'someone' },
      latest: created[0]!.data.snapshot,
    });
    expect(byType('video.milestone').map((e) => [e.data.metric, e.data.threshold, e.data.value])).toEqual(
      expect.arrayContaining([
        ['views', 1000, '1500'],
        ['likes', 10000, '10001'],
      ]),
    );
    expect(byType('video.milestone')).toHaveLength(2);
    expect(byType('snapshot.missed').map((e) => e.data.snapshot.slot)).toEqual([2]);
    expect(byType('tracking.paused')[0]!.data.video).toMatchObject({ id: video.id, status: 'paused' });
    expect(byType('tracking.completed')[0]!.data.video).toMatchObject({ id: video.id, status: 'completed' });
    expect(byType('tracking.error')[0]!.data.video).toMatchObject({ id: gone.id, status: 'error' });
    // Once per crossing: the track crossed; after the top-up, the resume and the second track stayed above.
    expect(byType('balance.low').map((e) => e.data)).toEqual([
      {
        available_usd: 0.14,
        balance_usd: 0.485,
        reserved_usd: 0.345,
        threshold_usd: 0.36,
        daily_spend_usd: 0.36,
      },
    ]);
    const emails = await api.store.db
      .selectFrom('outbox')
      .select('payload')
      .where('account_id', '=', account.id)
      .execute();
    expect(emails.filter((e) => e.payload.includes('"balance.low"'))).toHaveLength(1);
    // The deliveries listing records each success with its status and the receiver's answer.
    const listed = await deliveriesOf(account.liveKey, hook.id);
    expect(listed).toHaveLength(received.length);
    expect(listed.every((d) => d.status === 'delivered' && d.attempts[0]?.response_status === 200)).toBe(
      true,
    );
    expect(listed[0]!.attempts[0]!.response_body).toBe('{"ok":true}');
  });

  it('alerts below the account’s own threshold once, and a top-up re-arms it', async () => {
    const account = await api.createAccount({ creditUsd: 100 });
    const hook = await register(account.liveKey, '/threshold', ['balance.low']);
    const alert = (body: unknown, key = account.liveKey) =>
      api.call('PATCH', '/api/v1/alerts/balance-low', { key, body });
    expect((await alert({ threshold_usd: 99.9 }, account.testKey)).statusCode).toBe(403);
    expect((await alert({ threshold_usd: -1 })).json().details[0].field).toBe('threshold_usd');
    expect((await alert({ threshold_usd: 99.9 })).json()).toEqual({ threshold_usd: 99.9, armed: true });
    const trackOne = (id: string) =>
      api.call('POST', '/api/v1/videos/track', {
        key: account.liveKey,
        body: { video_link: `https://www.tiktok.com/@u/video/${id}`, duration_days: 1 },
      });
    await trackOne('7300000000000000101');
    await trackOne('7300000000000000102');
    const read = () => api.call('GET', '/api/v1/alerts/balance-low', { key: account.liveKey });
    expect((await read()).json()).toEqual({ threshold_usd: 99.9, armed: false });
    await api.call('POST', `/admin/v1/accounts/${account.id}/credits`, {
      headers: { authorization: `Bearer ${api.config.adminToken}` },
      body: { amount_usd: 0.01 },
    });
    expect((await read()).json()).toEqual({ threshold_usd: 99.9, armed: true });
    await trackOne('7300000000000000103');
    await worker().runOnce();
    const alerts = receiver.on('/threshold').map((d) => verify(hook.secret, d) as { data: EventData });
    // (Sent concurrently: in either order.)
    expect(
      alerts
        .map((a) => [a.data.available_usd, a.data.threshold_usd])
        .sort()
        .reverse(),
    ).toEqual([
      [99.64, 99.9],
      [98.93, 99.9],
    ]);
  });

  it('alerts when the operator takes money back below the threshold, once, in the same commit', async () => {
    const account = await api.createAccount({ creditUsd: 100 });
    const hook = await register(account.liveKey, '/adjusted', ['balance.low']);
    await api.call('PATCH', '/api/v1/alerts/balance-low', {
      key: account.liveKey,
      body: { threshold_usd: 50 },
    });
    const adjust = (amount_usd: number) =>
      api.call('POST', `/admin/v1/accounts/${account.id}/credits`, {
        headers: { authorization: `Bearer ${api.config.adminToken}` },
        body: { amount_usd, note: 'refund' },
      });
    expect((await adjust(-40)).statusCode).toBe(201);
    const read = async () =>
      (await api.call('GET', '/api/v1/alerts/balance-low', { key: account.liveKey })).json().armed;
    expect(await read()).toBe(true);
    expect((await adjust(-20)).statusCode).toBe(201);
    expect(await read()).toBe(false);
    // Already alerted: a further adjustment does not alert again until a top-up re-arms it.
    expect((await adjust(-1)).statusCode).toBe(201);
    await worker().runOnce();
    const alerts = receiver.on('/adjusted').map((d) => verify(hook.secret, d) as { data: EventData });
    expect(alerts.map((a) => [a.data.available_usd, a.data.threshold_usd])).toEqual([[40, 50]]);
  });

  it('sends a test-mode event to test endpoints only', async () => {
    const account = await api.createAccount({ creditUsd: 10 });
    await register(account.liveKey, '/live-only', ['snapshot.created', 'tracking.completed']);
    const testHook = await register(account.testKey, '/test-only', ['tracking.completed']);
    const tracked = await api.call('POST', '/api/v1/videos/track', {
      key: account.testKey,
      body: { video_link: 'https://www.tiktok.com/@u/video/7300000000000000009', duration_days: 1 },
    });
    await api.call('POST', `/api/v1/videos/${tracked.json().id}/stop`, { key: account.testKey });
    await worker().runOnce();
    expect(receiver.on('/live-only')).toHaveLength(0);
    const [delivery] = receiver.on('/test-only');
    expect(verify(testHook.secret, delivery!)).toMatchObject({ type: 'tracking.completed' });
  });

  it('retries after a 500 and a hang on schedule, with the same webhook-id, then delivers', async () => {
    const account = await api.createAccount();
    const hook = await register(account.testKey, '/flaky', ['webhook.test']);
    receiver.script('/flaky', { status: 500, body: 'oops' }, { hang: true }, { status: 204 });
    await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: account.testKey });
    const w = worker({ timeoutMs: 300 });
    expect(await w.runOnce()).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    let [delivery] = await deliveriesOf(account.testKey, hook.id);
    expect(delivery).toMatchObject({
      status: 'pending',
      next_attempt_at: new Date(clock.now() + 5_000).toISOString(),
    });
    expect(delivery!.attempts).toEqual([
      {
        attempt: 1,
        started_at: expect.any(String),
        duration_ms: expect.any(Number),
        response_status: 500,
        response_body: 'oops',
        error: 'HTTP 500',
      },
    ]);
    // Not before its time.
    expect(await w.runOnce()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    clock.advance(RETRY_DELAYS_MS[0]);
    expect(await w.runOnce()).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    [delivery] = await deliveriesOf(account.testKey, hook.id);
    expect(delivery!.attempts[1]!.error).toMatch(/^timeout: /);
    expect(delivery!.next_attempt_at).toBe(new Date(clock.now() + RETRY_DELAYS_MS[1]).toISOString());
    clock.advance(RETRY_DELAYS_MS[1]);
    expect(await w.runOnce()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    const ids = receiver.on('/flaky').map((d) => d.headers['webhook-id']);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    [delivery] = await deliveriesOf(account.testKey, hook.id);
    expect(delivery).toMatchObject({ status: 'delivered', next_attempt_at: null });
  });

  it('gives up after the last retry (about a day), and a redelivery sends the event again', async () => {
    const account = await api.createAccount();
    const hook = await register(account.testKey, '/down', ['webhook.test']);
    receiver.script('/down', { status: 503 });
    await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: account.testKey });
    const w = worker();
    await w.runOnce();
    for (const delay of RETRY_DELAYS_MS) {
      clock.advance(delay);
      await w.runOnce();
    }
    const [failed] = await deliveriesOf(account.testKey, hook.id);
    expect(failed).toMatchObject({ status: 'failed', next_attempt_at: null });
    expect(failed!.attempts).toHaveLength(RETRY_DELAYS_MS.length + 1);
    receiver.script('/down', { status: 200 });
    const again = await api.call('POST', `/api/v1/webhooks/${hook.id}/deliveries/${failed!.id}/redeliver`, {
      key: account.testKey,
    });
    expect(again.statusCode).toBe(202);
    expect(await w.runOnce()).toMatchObject({ delivered: 1 });
    const sent = receiver.on('/down');
    expect(verify(hook.secret, sent.at(-1)!)).toMatchObject({ type: 'webhook.test' });
    expect(sent.at(-1)!.headers['webhook-id']).toBe(failed!.event_id);
  });

  it('signs with both secrets for 24 hours after a rotation', async () => {
    const account = await api.createAccount();
    const hook = await register(account.testKey, '/rotated', ['webhook.test']);
    const rotated = (
      await api.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { key: account.testKey })
    ).json() as { secret: string };
    await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: account.testKey });
    const w = worker();
    await w.runOnce();
    const during = receiver.on('/rotated').at(-1)!;
    expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verify(hook.secret, during)).toMatchObject({ type: 'webhook.test' });
    expect(verify(rotated.secret, during)).toMatchObject({ type: 'webhook.test' });
    clock.advance(24 * HOUR + 1);
    await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: account.testKey });
    await w.runOnce();
    const after = receiver.on('/rotated').at(-1)!;
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(verify(rotated.secret, after)).toMatchObject({ type: 'webhook.test' });
    expect(() => verify(hook.secret, after)).toThrow();
  });

  it('refuses a target that resolves or points to a private address, unless the operator allows it', async () => {
    const account = await api.createAccount();
    const byName = await register(account.testKey, '/never', ['webhook.test']);
    const byLiteral = await register(account.testKey, '/never', ['webhook.test']);
    // Not rewritten by CONTENTSTATS_UPSTREAMS: localhost resolves to loopback; a literal is checked as it is.
    await updateWebhookEndpoint(api.store, byName.id, { url: `https://localhost:${receiver.port}/private` });
    await updateWebhookEndpoint(api.store, byLiteral.id, {
      url: `http://[::ffff:127.0.0.1]:${receiver.port}/private`,
    });
    for (const hook of [byName, byLiteral])
      await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: account.testKey });
    expect(await worker().runOnce()).toMatchObject({ delivered: 0, retrying: 2 });
    expect(receiver.on('/private')).toHaveLength(0);
    const [named] = await deliveriesOf(account.testKey, byName.id);
    expect(named!.attempts[0]!.error).toMatch(
      /^host_not_allowed: localhost resolves to (127\.0\.0\.1|::1), which is not a public address/,
    );
    const [literal] = await deliveriesOf(account.testKey, byLiteral.id);
    expect(literal!.attempts[0]!.error).toBe('host_not_allowed: ::ffff:7f00:1 is not a public address');

    await updateWebhookEndpoint(api.store, byLiteral.id, {
      url: `http://127.0.0.1:${receiver.port}/private`,
    });
    clock.advance(RETRY_DELAYS_MS[0]);
    const permissive = worker({ allowPrivateTargets: true });
    expect(await permissive.runOnce()).toMatchObject({ delivered: 1 });
    expect(receiver.on('/private')).toHaveLength(1);
  });

  it('a receiver that sends 10 MB, trickles or redirects fails cleanly, and a healthy one is not held up', async () => {
    const account = await api.createAccount();
    const paths = ['/huge', '/trickle', '/redirect', '/healthy'];
    receiver.script('/huge', { bytes: 10 * 1024 * 1024 });
    receiver.script('/trickle', { trickle: true });
    receiver.script('/redirect', { redirect: 'http://169.254.169.254/latest/meta-data/' });
    const hooks = [];
    for (const path of paths) hooks.push(await register(account.testKey, path, ['webhook.test']));
    for (const hook of hooks)
      await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: account.testKey });
    const started = Date.now();
    await worker({ timeoutMs: 1_500 }).runOnce();
    expect(Date.now() - started).toBeLessThan(5_000);
    const errors = [];
    for (const hook of hooks) {
      const [delivery] = await deliveriesOf(account.testKey, hook.id);
      errors.push(delivery!.attempts[0]!.error);
    }
    expect(errors[0]).toMatch(/^too_large: /);
    expect(errors[1]).toMatch(/^timeout: /);
    expect(errors[2]).toBe(
      'HTTP 302: redirects are not followed (to http://169.254.169.254/latest/meta-data/)',
    );
    expect(errors[3]).toBeNull();
    const healthy = await deliveriesOf(account.testKey, hooks[3]!.id);
    expect(healthy[0]!.attempts[0]!.duration_ms).toBeLessThan(1_000);
    // The redirect was not followed anywhere.
    expect(receiver.on('/latest/meta-data/')).toHaveLength(0);
  });

  it('disables an endpoint whose deliveries have failed for 5 days, and emails the account', async () => {
    const account = await api.createAccount();
    const hook = await register(account.testKey, '/dead', ['webhook.test']);
    receiver.script('/dead', { status: 410 });
    await updateWebhookEndpoint(api.store, hook.id, { failing_since: clock.now() - 5 * 24 * HOUR });
    await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: account.testKey });
    await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: account.testKey });
    await worker({}).runOnce();
    const endpoint = (await api.call('GET', `/api/v1/webhooks/${hook.id}`, { key: account.testKey })).json();
    expect(endpoint).toMatchObject({ disabled: true, disabled_reason: 'every delivery failed for 5 days' });
    const deliveries = await deliveriesOf(account.testKey, hook.id);
    expect(deliveries.map((d) => d.status)).toEqual(['failed', 'failed']);
    const emails = await api.store.db
      .selectFrom('outbox')
      .select('payload')
      .where('account_id', '=', account.id)
      .execute();
    expect(emails.map((e) => JSON.parse(e.payload).event)).toEqual(['webhook.disabled']);
  });

  it.runIf(dialect === 'postgres')(
    'two workers deliver each event exactly once; a dead worker’s lease is taken over',
    async () => {
      const account = await api.createAccount();
      const hook = await register(account.testKey, '/shared', ['webhook.test']);
      // Queued directly: 120 requests would pass the key's rate limit.
      for (let i = 0; i < 120; i++) {
        await sendTestEvent(api.store, { accountId: account.id, mode: 'test' }, hook.id, clock.now());
      }
      // A worker that claims 20 and dies before sending them.
      const abandoned = await claimDueDeliveries(api.store, clock.now(), clock.now() + 120_000, 20);
      expect(abandoned).toHaveLength(20);
      await Promise.all([worker().runOnce(), worker().runOnce()]);
      expect(receiver.on('/shared')).toHaveLength(100);
      clock.advance(120_001);
      await Promise.all([worker().runOnce(), worker().runOnce()]);
      const ids = receiver.on('/shared').map((d) => d.headers['webhook-id']);
      expect(ids).toHaveLength(120);
      expect(new Set(ids).size).toBe(120);
    },
  );

  it.runIf(dialect === 'postgres')(
    'two workers expand a recorded batch of snapshot.created once and deliver each snapshot once',
    async () => {
      const account = await api.createAccount({ creditUsd: 10 });
      const hook = await register(account.testKey, '/batch', ['snapshot.created']);
      const engine = createTestEngine(api);
      const tracked: string[] = [];
      for (let i = 0; i < 8; i++) {
        const response = await api.call('POST', '/api/v1/videos/track', {
          key: account.testKey,
          body: {
            video_link: `https://www.tiktok.com/@u/video/73000000000000002${10 + i}`,
            duration_days: 1,
          },
        });
        tracked.push(response.json().id);
      }
      clock.advance(HOUR);
      await engine.runDue();
      const pending = await api.store.db.selectFrom('webhook_pending_snapshots').select('id').execute();
      expect(pending.length).toBeGreaterThan(0);
      await Promise.all([worker().runOnce(), worker().runOnce()]);
      const events = receiver.on('/batch').map((d) => verify(hook.secret, d) as { data: EventData });
      expect(events.map((e) => (e.data.video as { id: string }).id).sort()).toEqual([...tracked].sort());
      expect(events.every((e) => e.data.snapshot.slot === 1)).toBe(true);
      expect(await api.store.db.selectFrom('webhook_pending_snapshots').select('id').execute()).toEqual([]);
    },
  );

  it('writes nothing for an account without endpoints', async () => {
    const account = await api.createAccount({ creditUsd: 10 });
    await api.call('POST', '/api/v1/videos/track', {
      key: account.testKey,
      body: { video_link: 'https://www.tiktok.com/@u/video/7300000000000000077', duration_days: 1 },
    });
    const rows = await writeTransaction(api.store, (tx) =>
      tx.db.selectFrom('webhook_events').select('id').where('account_id', '=', account.id).execute(),
    );
    expect(rows).toEqual([]);
  });
});
