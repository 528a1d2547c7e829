// POST /videos/track/batch: each item answered as a single track, money reserved in order, one request for the
// rate limit, one Idempotency-Key for the batch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchResultSchema } from '../../src/api/contract/components.ts';
import { TestClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import type { Collector, PlatformName } from '../../src/platforms/types.ts';
import { PROBES_PER_PLATFORM } from '../../src/tracking/track-batch.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const tiktok = (n: number) => `https://www.tiktok.com/@u/video/73012345678901${String(n).padStart(5, '0')}`;
const youtube = (n: number) => `https://youtu.be/batchvid${String(n).padStart(3, '0')}`;
const DAY_COST_USD = 24 * 0.015;

/** The simulator, answering after `delayMs`, counting how many of its probes run at once. */
function countingCollector(platform: PlatformName, clock: TestClock, delayMs = 5) {
  const simulator = createSimulatorCollector(platform, clock);
  const stats = { running: 0, most: 0, calls: 0 };
  const collector: Collector = {
    platform,
    batchSize: 10,
    async collect(refs) {
      stats.calls++;
      stats.running++;
      stats.most = Math.max(stats.most, stats.running);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      stats.running--;
      return simulator.collect(refs);
    },
  };
  return { collector, stats };
}

describe.each(DIALECTS)('tracking a batch of videos (%s)', (dialect) => {
  let api: TestApi;
  let tiktokProbes: ReturnType<typeof countingCollector>;
  let youtubeProbes: ReturnType<typeof countingCollector>;

  beforeEach(async () => {
    const clock = new TestClock();
    tiktokProbes = countingCollector('tiktok', clock);
    youtubeProbes = countingCollector('youtube', clock);
    api = await createTestApi(dialect, {
      clock,
      liveCollectors: { tiktok: tiktokProbes.collector, youtube: youtubeProbes.collector },
    });
  });
  afterEach(() => api.close());

  const batch = (key: string, body: unknown, headers: Record<string, string> = {}) =>
    api.call('POST', '/api/v1/videos/track/batch', { key, body, headers });

  it('answers each item as a single track would, with created and failed counts', async () => {
    const account = await api.createAccount({ creditUsd: 10, plan: 'pro' });
    const response = await batch(account.liveKey, {
      videos: [
        { video_link: tiktok(1), duration_days: 1, tags: ['Own'], metadata: { row: '1' } },
        { video_link: 'https://www.tiktok.com/@x/video/7300000000000004040', duration_days: 1 },
        { video_link: youtube(2), duration_days: 2 },
        { video_link: 'https://youtu.be/abcdefg4030', duration_days: 1 },
        { video_link: 'https://youtu.be/abcdefg5030', duration_days: 1 },
      ],
      tags: ['Campaign', 'own'],
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = batchResultSchema.parse(response.json());
    expect(body.created).toBe(2);
    expect(body.failed).toBe(3);
    expect(body.results.map((r) => [r.index, r.status])).toEqual([
      [0, 201],
      [1, 404],
      [2, 201],
      [3, 404],
      [4, 500],
    ]);
    expect(body.results[0]!.video).toMatchObject({
      video_link: tiktok(1),
      status: 'monitoring',
      tags: ['Own', 'Campaign'],
      metadata: { row: '1' },
    });
    expect(body.results[2]!.video).toMatchObject({ tags: ['Campaign', 'own'], metadata: {} });
    expect(body.results[1]!.error).toEqual({ error: 'Video not found or is private' });
    expect(body.results[4]!.error).toMatchObject({ reason: expect.any(String) });

    // The same answers single tracks give.
    const single404 = await api.call('POST', '/api/v1/videos/track', {
      key: account.liveKey,
      body: { video_link: 'https://www.tiktok.com/@x/video/7300000000000004040', duration_days: 1 },
    });
    expect(single404.json()).toEqual(body.results[1]!.error);

    const listed = (await api.call('GET', '/api/v1/videos?tag=campaign', { key: account.liveKey })).json();
    expect(listed.videos.map((v: { id: string }) => v.id).sort()).toEqual(
      [body.results[0]!.video!.id, body.results[2]!.video!.id].sort(),
    );
    const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    expect(usage.total_snapshots).toBe(2);
    expect(usage.total_charged_usd).toBeCloseTo(0.03, 9);
    await expectInvariants(api.store, account.id);
  });

  it('reserves money item by item in order: a batch it cannot pay for whole starts what it can, in order', async () => {
    // 1.2 pays for three one-day trackings (0.36 each) and not a fourth.
    const account = await api.createAccount({ creditUsd: 1.2, plan: 'pro' });
    const response = await batch(account.liveKey, {
      videos: [
        { video_link: tiktok(10), duration_days: 1 },
        { video_link: 'https://www.tiktok.com/@x/video/7300000000000004040', duration_days: 1 },
        { video_link: youtube(11), duration_days: 1 },
        { video_link: tiktok(12), duration_days: 1 },
        { video_link: tiktok(13), duration_days: 1 },
        { video_link: 'https://youtu.be/abcdefg4030', duration_days: 1 },
        { video_link: youtube(14), duration_days: 1 },
      ],
    });
    const body = response.json();
    // The 404 of item 1 costs nothing; after three trackings every item is refused for money, before the
    // platform's own answer (as a single track of item 5 would be).
    expect(body.results.map((r: { status: number }) => r.status)).toEqual([
      201, 404, 201, 201, 402, 402, 402,
    ]);
    expect(body.results[4].error).toEqual({
      error: 'Insufficient balance',
      balance: expect.closeTo(1.2 - 3 * DAY_COST_USD, 9),
      estimated_cost: DAY_COST_USD,
      required: expect.closeTo(DAY_COST_USD - (1.2 - 3 * DAY_COST_USD), 9),
    });
    expect(body).toMatchObject({ created: 3, failed: 4 });
    await expectInvariants(api.store, account.id);
  });

  it("holds the plan's limit of videos monitored at once, item by item", async () => {
    const account = await api.createAccount({ creditUsd: 100 }); // free: 10 at once
    await api.call('POST', '/api/v1/videos/track', {
      key: account.liveKey,
      body: { video_link: tiktok(20), duration_days: 1 },
    });
    const response = await batch(account.liveKey, {
      videos: Array.from({ length: 12 }, (_, i) => ({ video_link: tiktok(21 + i), duration_days: 1 })),
    });
    const statuses = response.json().results.map((r: { status: number }) => r.status);
    expect(statuses).toEqual([...Array(9).fill(201), 403, 403, 403]);
    expect(response.json().results[9].error).toMatchObject({ limit: 10 });
    await expectInvariants(api.store, account.id);
  });

  it('a disabled account gets the 403 of a single track for every item, and nothing is probed', async () => {
    const account = await api.createAccount({ creditUsd: 10 });
    const disabled = await api.call('PATCH', `/admin/v1/accounts/${account.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    const calls = tiktokProbes.stats.calls;
    const response = await batch(account.liveKey, {
      videos: [0, 1].map((i) => ({ video_link: tiktok(400 + i), duration_days: 1 })),
    });
    // The key's account is disabled: the whole request is refused as every /api/v1 request is.
    expect(response.statusCode).toBe(403);
    expect(tiktokProbes.stats.calls).toBe(calls);
  });

  it('probes concurrently, at most a few at a time per platform', async () => {
    const account = await api.createAccount({ creditUsd: 100, plan: 'pro' });
    const response = await batch(account.liveKey, {
      videos: [
        ...Array.from({ length: 20 }, (_, i) => ({ video_link: tiktok(40 + i), duration_days: 1 })),
        ...Array.from({ length: 20 }, (_, i) => ({ video_link: youtube(40 + i), duration_days: 1 })),
      ],
    });
    expect(response.json().created).toBe(40);
    expect(tiktokProbes.stats.most).toBe(PROBES_PER_PLATFORM);
    expect(youtubeProbes.stats.most).toBe(PROBES_PER_PLATFORM);
  });

  it('counts as one request for the rate limit', async () => {
    const account = await api.createAccount({ creditUsd: 100, plan: 'pro' });
    const first = await api.call('GET', '/api/v1/usage', { key: account.liveKey });
    const before = Number(first.headers['x-ratelimit-remaining']);
    const response = await batch(account.liveKey, {
      videos: Array.from({ length: 30 }, (_, i) => ({ video_link: tiktok(100 + i), duration_days: 1 })),
    });
    expect(response.json().created).toBe(30);
    expect(Number(response.headers['x-ratelimit-remaining'])).toBe(before - 1);
  });

  it('Idempotency-Key covers the whole batch: a retry replays it, another body is a 422', async () => {
    const account = await api.createAccount({ creditUsd: 10, plan: 'pro' });
    const body = {
      videos: [
        { video_link: tiktok(200), duration_days: 1 },
        { video_link: 'https://www.tiktok.com/@x/video/7300000000000004040', duration_days: 1 },
      ],
    };
    const first = await batch(account.liveKey, body, { 'idempotency-key': 'batch-1' });
    const again = await batch(account.liveKey, body, { 'idempotency-key': 'batch-1' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await batch(
      account.liveKey,
      { ...body, tags: ['extra'] },
      { 'idempotency-key': 'batch-1' },
    );
    expect(other.statusCode).toBe(422);
    // A single track with the batch's key is another request too.
    const single = await api.call('POST', '/api/v1/videos/track', {
      key: account.liveKey,
      headers: { 'idempotency-key': 'batch-1' },
      body: body.videos[0],
    });
    expect(single.statusCode).toBe(422);
    const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    expect(usage.active_videos).toBe(1);
    await expectInvariants(api.store, account.id);
  });

  it('a retry taking over a batch stuck mid-way resumes after the items already tracked', async () => {
    const account = await api.createAccount({ creditUsd: 10, plan: 'pro' });
    const body = { videos: [0, 1, 2].map((i) => ({ video_link: tiktok(300 + i), duration_days: 1 })) };
    // The first request's probe of item 1 hangs (as in a process that stopped answering) after item 0 is tracked.
    let releaseProbe: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => {
      releaseProbe = resolve;
    });
    const collect = tiktokProbes.collector.collect.bind(tiktokProbes.collector);
    let hung = false;
    tiktokProbes.collector.collect = async (refs) => {
      if (!hung && refs[0]?.videoId.endsWith('00301')) {
        hung = true;
        await stuck;
      }
      return collect(refs);
    };
    const firstRequest = batch(account.liveKey, body, { 'idempotency-key': 'batch-stuck' });
    for (let i = 0; i < 200 && (await activeVideos(account.liveKey)) < 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await activeVideos(account.liveKey)).toBe(1);
    // While its lease holds, a retry is told to wait.
    expect((await batch(account.liveKey, body, { 'idempotency-key': 'batch-stuck' })).statusCode).toBe(409);

    api.clock.advance(61_000);
    const retry = await batch(account.liveKey, body, { 'idempotency-key': 'batch-stuck' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().results.map((r: { status: number }) => r.status)).toEqual([201, 201, 201]);
    expect(await activeVideos(account.liveKey)).toBe(3);

    // The first request, let go at last, finds its claim taken over and writes nothing more.
    releaseProbe();
    const first = await firstRequest;
    expect(first.statusCode).toBe(409);
    expect(await activeVideos(account.liveKey)).toBe(3);
    const replayed = await batch(account.liveKey, body, { 'idempotency-key': 'batch-stuck' });
    expect(replayed.json()).toEqual(retry.json());
    await expectInvariants(api.store, account.id);
  });

  const activeVideos = async (key: string): Promise<number> =>
    (await api.call('GET', '/api/v1/usage', { key })).json().active_videos;
});
