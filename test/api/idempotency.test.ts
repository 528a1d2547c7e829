import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_LEASE_MS } from '../../src/api/routes/track-video.ts';
import { TestClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import type { Collector } from '../../src/platforms/types.ts';
import { claimIdempotencyKey } from '../../src/store/idempotency.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const body = { video_link: 'https://www.tiktok.com/@u/video/7301234567890123456', duration_days: 2 };

describe.each(DIALECTS)('Idempotency-Key on POST /videos/track (%s)', (dialect) => {
  let api: TestApi;
  let account: { id: string; liveKey: string; testKey: string };
  let gate: { release: () => void; wait: Promise<void> } | undefined;

  beforeAll(async () => {
    const clock = new TestClock();
    const simulator = createSimulatorCollector('tiktok', clock);
    // Lets a test hold the next track request inside its platform probe.
    const gated: Collector = {
      ...simulator,
      collect: async (refs, signal) => {
        const held = gate;
        gate = undefined;
        if (held) await held.wait;
        return simulator.collect(refs, signal);
      },
    };
    api = await createTestApi(dialect, { clock, liveCollectors: { tiktok: gated } });
    account = await api.createAccount({ creditUsd: 10 });
  });
  afterAll(() => api.close());

  const track = (key: string, b: object = body) =>
    api.call('POST', '/api/v1/videos/track', {
      key: account.liveKey,
      body: b,
      headers: { 'idempotency-key': key },
    });

  it('the same key and body replays the first response and charges once', async () => {
    const first = await track('order-1');
    const second = await track('order-1');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    const list = (await api.call('GET', '/api/v1/videos', { key: account.liveKey })).json();
    expect(list.videos).toHaveLength(1);
    await expectInvariants(api.store, account.id);
  });

  it('the same key with a different body → 422', async () => {
    const response = await track('order-1', { ...body, duration_days: 3 });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ error: 'Idempotency key reused with a different request' });
  });

  it('the same key while the first request is in flight → 409', async () => {
    let release!: () => void;
    gate = { release: () => release(), wait: new Promise<void>((r) => (release = r)) };
    const first = track('order-2');
    await new Promise((r) => setTimeout(r, 50));
    const second = await track('order-2');
    expect(second.statusCode).toBe(409);
    release();
    expect((await first).statusCode).toBe(201);
  });

  it('a refused request (402) does not pin its key: a retry after a top-up succeeds', async () => {
    const poor = await api.createAccount({ creditUsd: 0.1 });
    const refused = await api.call('POST', '/api/v1/videos/track', {
      key: poor.liveKey,
      body,
      headers: { 'idempotency-key': 'retry-me' },
    });
    expect(refused.statusCode).toBe(402);
    await api.call('POST', `/admin/v1/accounts/${poor.id}/credits`, {
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
      body: { amount_usd: 5, note: 'top-up' },
    });
    const retried = await api.call('POST', '/api/v1/videos/track', {
      key: poor.liveKey,
      body,
      headers: { 'idempotency-key': 'retry-me' },
    });
    expect(retried.statusCode).toBe(201);
  });

  it('a 404 (the platform says the video does not exist) is replayed too: the answer will not change', async () => {
    const gone = { ...body, video_link: 'https://www.tiktok.com/@u/video/7300000000000004040' };
    const first = await track('gone-1', gone);
    expect([first.statusCode, first.json()]).toEqual([404, { error: 'Video not found or is private' }]);
    const again = await track('gone-1', gone);
    expect([again.statusCode, again.json()]).toEqual([404, { error: 'Video not found or is private' }]);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('a 500 (the platform could not be read) leaves the key free: a retry asks the platform again', async () => {
    const blocked = { ...body, video_link: 'https://www.tiktok.com/@u/video/7300000000000005030' };
    const first = await track('blocked-1', blocked);
    expect(first.statusCode).toBe(500);
    const again = await track('blocked-1', blocked);
    expect(again.statusCode).toBe(500);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a 403 (the plan limit) does not pin its key: a retry after the limit is raised succeeds', async () => {
    const limited = await api.createAccount({ creditUsd: 10 });
    const admin = { authorization: 'Bearer test-admin-token-0123456789' };
    await api.call('PATCH', `/admin/v1/accounts/${limited.id}`, {
      headers: admin,
      body: { max_active_videos: 1 },
    });
    const send = (key: string, link: string) =>
      api.call('POST', '/api/v1/videos/track', {
        key: limited.liveKey,
        body: { ...body, video_link: link },
        headers: { 'idempotency-key': key },
      });
    expect((await send('first', body.video_link)).statusCode).toBe(201);
    const second = 'https://www.tiktok.com/@u/video/7301234567890123457';
    expect((await send('second', second)).statusCode).toBe(403);
    await api.call('PATCH', `/admin/v1/accounts/${limited.id}`, {
      headers: admin,
      body: { max_active_videos: 2 },
    });
    expect((await send('second', second)).statusCode).toBe(201);
    await expectInvariants(api.store, limited.id);
  });

  it('keys are per account: another account may use the same key', async () => {
    const other = await api.createAccount({ creditUsd: 10 });
    const response = await api.call('POST', '/api/v1/videos/track', {
      key: other.liveKey,
      body,
      headers: { 'idempotency-key': 'order-1' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().id).not.toBe((await track('order-1')).json().id);
  });

  /** The videos one body started: the idempotency tests below each use a link of their own. */
  const videosOf = async (link: string) =>
    (await api.store.db.selectFrom('videos').select('id').where('video_link', '=', link).execute()).map(
      (v) => v.id,
    );
  const hashOf = (mode: 'live' | 'test', b: { video_link: string; duration_days: number }) =>
    createHash('sha256')
      .update(JSON.stringify([mode, b.video_link, b.duration_days]))
      .digest('hex');

  it('a key left in flight by a crashed process is taken over by a retry once its 60 s lease has passed', async () => {
    const crashed = { ...body, video_link: 'https://www.tiktok.com/@u/video/7301234567890120001' };
    // The claim exactly as a process that died during the probe leaves it: in flight, never answered.
    const left = await claimIdempotencyKey(api.store, {
      accountId: account.id,
      mode: 'live',
      key: 'crash-1',
      requestHash: hashOf('live', crashed),
      at: api.clock.now(),
      ttlMs: 24 * 3_600_000,
      leaseMs: IDEMPOTENCY_LEASE_MS,
    });
    expect(left.kind).toBe('claimed');
    expect((await track('crash-1', crashed)).statusCode).toBe(409);
    api.clock.advance(IDEMPOTENCY_LEASE_MS);
    const retried = await track('crash-1', crashed);
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    const again = await track('crash-1', crashed);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(retried.json());
    // After the lease, a retry with another body is still told the key belongs to another request.
    expect((await track('crash-1', { ...crashed, duration_days: 3 })).statusCode).toBe(422);
    expect(await videosOf(crashed.video_link)).toEqual([retried.json().id]);
    await expectInvariants(api.store, account.id);
  });

  it("a request whose claim a retry took over writes nothing: one key, one video, the retry's answer", async () => {
    const slow = { ...body, video_link: 'https://www.tiktok.com/@u/video/7301234567890120002' };
    let release!: () => void;
    gate = { release: () => release(), wait: new Promise<void>((r) => (release = r)) };
    const first = track('slow-1', slow);
    await new Promise((r) => setTimeout(r, 50));
    expect((await track('slow-1', slow)).statusCode).toBe(409);
    api.clock.advance(IDEMPOTENCY_LEASE_MS);
    const retried = await track('slow-1', slow);
    expect(retried.statusCode).toBe(201);
    release();
    const late = await first;
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatch(/took over/);
    const replayed = await track('slow-1', slow);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json()).toEqual(retried.json());
    expect(await videosOf(slow.video_link)).toEqual([retried.json().id]);
    await expectInvariants(api.store, account.id);
  });

  it('retries racing for an abandoned claim: exactly one runs, the others wait for or replay its answer', async () => {
    const raced = { ...body, video_link: 'https://www.tiktok.com/@u/video/7301234567890120003' };
    await claimIdempotencyKey(api.store, {
      accountId: account.id,
      mode: 'live',
      key: 'race-1',
      requestHash: hashOf('live', raced),
      at: api.clock.now(),
      ttlMs: 24 * 3_600_000,
      leaseMs: IDEMPOTENCY_LEASE_MS,
    });
    api.clock.advance(IDEMPOTENCY_LEASE_MS);
    const answers = await Promise.all(Array.from({ length: 8 }, () => track('race-1', raced)));
    const ran = answers.filter((a) => a.statusCode === 201 && a.headers['idempotent-replayed'] === undefined);
    expect(ran).toHaveLength(1);
    for (const other of answers.filter((a) => a !== ran[0])) {
      if (other.statusCode === 201) expect(other.json()).toEqual(ran[0]!.json());
      else expect(other.statusCode).toBe(409);
    }
    expect(await videosOf(raced.video_link)).toEqual([ran[0]!.json().id]);
    await expectInvariants(api.store, account.id);
  });

  it('test and live keys of one account have separate Idempotency-Keys', async () => {
    const shared = { ...body, video_link: 'https://www.tiktok.com/@u/video/7301234567890120004' };
    const live = await track('shared-1', shared);
    expect(live.statusCode).toBe(201);
    const send = (b: object) =>
      api.call('POST', '/api/v1/videos/track', {
        key: account.testKey,
        body: b,
        headers: { 'idempotency-key': 'shared-1' },
      });
    // Another body under the live key's Idempotency-Key: no 422, the test world has its own keys.
    const test = await send({ ...shared, duration_days: 5 });
    expect(test.statusCode).toBe(201);
    expect(test.headers['idempotent-replayed']).toBeUndefined();
    expect(test.json().id).not.toBe(live.json().id);
    const testAgain = await send({ ...shared, duration_days: 5 });
    expect(testAgain.headers['idempotent-replayed']).toBe('true');
    expect(testAgain.json()).toEqual(test.json());
    expect((await track('shared-1', shared)).json()).toEqual(live.json());
  });

  it('an expired key (after 24 h) starts afresh', async () => {
    api.clock.advance(24 * 3_600_000 + 1);
    const response = await track('order-1');
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(response.statusCode).toBe(201);
  });
});
