// POST /videos/{id}/pause, /resume and /stop: each answer, the money each moves, and each refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const START = Date.parse('2024-01-29T10:00:00.000Z');

describe.each(DIALECTS)('pausing, resuming and stopping a live tracking (%s)', (dialect) => {
  let api: TestApi;
  let account: { id: string; liveKey: string };
  const call = (action: string, id: string) =>
    api.call('POST', `/api/v1/videos/${id}/${action}`, { key: account.liveKey });
  const usage = async () => (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
  const track = async (videoId: string) =>
    (
      await api.call('POST', '/api/v1/videos/track', {
        key: account.liveKey,
        body: { video_link: `https://www.tiktok.com/@u/video/${videoId}`, duration_days: 1 },
      })
    ).json() as { id: string; latest: unknown };

  beforeAll(async () => {
    const clock = new TestClock(START);
    api = await createTestApi(dialect, {
      clock,
      liveCollectors: { tiktok: createSimulatorCollector('tiktok', clock) },
    });
    account = await api.createAccount({ creditUsd: 1 });
  });
  afterAll(() => api.close());

  it('pause releases the reservation and answers the video with its latest snapshot; a second pause is 409', async () => {
    const tracked = await track('7301234567890123456');
    // One day: 24 snapshots at $0.015 reserved, the first already charged.
    expect(await usage()).toMatchObject({ balance_usd: 0.985, uncharged_usage_usd: 0.345 });
    const paused = await call('pause', tracked.id);
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({
      success: true,
      id: tracked.id,
      previous_status: 'monitoring',
      new_status: 'paused',
      video: { status: 'paused', latest: tracked.latest },
    });
    expect(await usage()).toMatchObject({ balance_usd: 0.985, uncharged_usage_usd: 0, active_videos: 0 });
    const again = await call('pause', tracked.id);
    expect([again.statusCode, again.json()]).toEqual([
      409,
      { error: 'Only a monitoring video can be paused (it is paused)', status: 'paused' },
    ]);
    await expectInvariants(api.store, account.id);
  });

  it('resume without the money for the rest of the window is 402 with the exact numbers, and moves nothing', async () => {
    const [paused] = (await api.call('GET', '/api/v1/videos?status=paused', { key: account.liveKey })).json()
      .videos;
    // Another tracking: $0.015 charged and $0.345 reserved of $0.985, so $0.625 is available; then $0.30 less.
    await track('7301234567890123457');
    await api.call('POST', `/admin/v1/accounts/${account.id}/credits`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { amount_usd: -0.3, note: 'adjustment' },
    });
    const before = await usage();
    const refused = await call('resume', paused.id);
    // Slots 1–23 remain (slot 0 was collected): 23 × $0.015 = $0.345.
    expect([refused.statusCode, refused.json()]).toEqual([
      402,
      { error: 'Insufficient balance', balance: 0.325, estimated_cost: 0.345, required: 0.02 },
    ]);
    expect(await usage()).toEqual(before);
    await expectInvariants(api.store, account.id);
  });

  it('resume with the money re-reserves the rest of the window and continues', async () => {
    const [paused] = (await api.call('GET', '/api/v1/videos?status=paused', { key: account.liveKey })).json()
      .videos;
    await api.call('POST', `/admin/v1/accounts/${account.id}/credits`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { amount_usd: 1 },
    });
    const resumed = await call('resume', paused.id);
    expect(resumed.json()).toMatchObject({ previous_status: 'paused', new_status: 'monitoring' });
    expect((await usage()).uncharged_usage_usd).toBeCloseTo(0.345 + 0.345, 6);
    await expectInvariants(api.store, account.id);
  });

  it('resume after the window has passed is 409 and completes the tracking; stop on it is 409', async () => {
    const tracked = await track('7301234567890123458');
    await call('pause', tracked.id);
    api.clock.set(START + 25 * HOUR);
    const late = await call('resume', tracked.id);
    expect([late.statusCode, late.json()]).toEqual([
      409,
      { error: 'The tracking window has passed; the video is completed', status: 'completed' },
    ]);
    const video = (await api.call('GET', `/api/v1/videos/${tracked.id}`, { key: account.liveKey })).json();
    expect(video).toMatchObject({ status: 'completed', snapshots_collected: 1, snapshots_missed: 23 });
    const stop = await call('stop', tracked.id);
    expect([stop.statusCode, stop.json()]).toEqual([
      409,
      { error: 'Video is already completed', status: 'completed' },
    ]);
    await expectInvariants(api.store, account.id);
  });
});
