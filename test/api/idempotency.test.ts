import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import type { Collector } from '../../src/platforms/types.ts';
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
    // Lets a test hold a track request inside its platform probe.
    const gated: Collector = {
      ...simulator,
      collect: async (refs, signal) => {
        if (gate) await gate.wait;
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
    gate.release();
    gate = undefined;
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

  it('an expired key (after 24 h) starts afresh', async () => {
    api.clock.advance(24 * 3_600_000 + 1);
    const response = await track('order-1');
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(response.statusCode).toBe(201);
  });
});
