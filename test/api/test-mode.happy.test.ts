// The README's magic video ids, through the API with a test key: what each answers at track time and how a
// tracking ends when the simulated video is deleted or goes private later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import type { Engine } from '../../src/scheduler/engine.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine } from '../support/engine.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const START = Date.parse('2024-01-29T10:00:00.000Z');

describe.each(DIALECTS)('test mode’s magic video ids (%s)', (dialect) => {
  let api: TestApi;
  let engine: Engine;
  let key: string;
  const track = (videoId: string) =>
    api.call('POST', '/api/v1/videos/track', {
      key,
      body: { video_link: `https://www.tiktok.com/@x/video/73000000000000${videoId}`, duration_days: 1 },
    });

  beforeAll(async () => {
    api = await createTestApi(dialect, { clock: new TestClock(START) });
    engine = createTestEngine(api);
    key = (await api.createAccount({ creditUsd: 10 })).testKey;
  });
  afterAll(() => api.close());

  it.each([
    ['04040', 404, { error: 'Video not found or is private' }],
    ['04030', 404, { error: 'Video not found or is private' }],
    [
      '05030',
      500,
      {
        error: 'Failed to start monitoring - invalid response from tracking API',
        reason:
          "TikTok blocked this server's request (a bot check, a sign-in or consent page, or a refusal); try again later",
      },
    ],
    [
      '04290',
      500,
      {
        error: 'Failed to start monitoring - invalid response from tracking API',
        reason: 'TikTok is rate limiting this server; try again in 60 seconds',
      },
    ],
  ])('an id ending in %s answers the track with %i and starts nothing', async (ending, status, error) => {
    const response = await track(ending);
    expect([response.statusCode, response.json()]).toEqual([status, error]);
    expect((await api.call('GET', '/api/v1/videos', { key })).json().videos).toEqual([]);
  });

  it('4041 is deleted and 4031 goes private from the third hour: each tracking ends in error', async () => {
    const deleted = (await track('04041')).json().id;
    const hidden = (await track('04031')).json().id;
    for (const hour of [1, 2]) {
      api.clock.set(START + hour * HOUR);
      await engine.runDue();
    }
    const read = async (id: string) => (await api.call('GET', `/api/v1/videos/${id}`, { key })).json();
    // Slot 1 (the second hour) was still public; slot 2 (the third) found the video gone.
    expect(await read(deleted)).toMatchObject({
      status: 'error',
      is_deleted: true,
      snapshots_collected: 2,
      next_snapshot_at: null,
    });
    expect(await read(hidden)).toMatchObject({
      status: 'error',
      is_deleted: false,
      snapshots_collected: 2,
    });
    const usage = (await api.call('GET', '/api/v1/usage', { key })).json();
    expect(usage).toMatchObject({
      active_videos: 0,
      total_snapshots: 4,
      total_charged_usd: 0,
      balance_usd: 10,
    });
  });
});

describe.each(DIALECTS)('test mode’s late endings at a 10-second interval (%s)', (dialect) => {
  const SECOND = 1000;
  let api: TestApi;
  let key: string;

  beforeAll(async () => {
    api = await createTestApi(dialect, {
      clock: new TestClock(START),
      config: { snapshotIntervalSeconds: 10 },
    });
    key = (await api.createAccount({ creditUsd: 10 })).testKey;
  });
  afterAll(() => api.close());

  it('4041 and 4031 end in error at the third slot, as in the README demo, not after two hours', async () => {
    const engine = createTestEngine(api);
    const track = async (videoId: string) =>
      (
        await api.call('POST', '/api/v1/videos/track', {
          key,
          body: { video_link: `https://youtu.be/abcdefg${videoId}`, duration_days: 1 },
        })
      ).json().id;
    const deleted = await track('4041');
    const hidden = await track('4031');
    const read = async (id: string) => (await api.call('GET', `/api/v1/videos/${id}`, { key })).json();

    api.clock.set(START + 10 * SECOND);
    await engine.runDue();
    expect(await read(deleted)).toMatchObject({ status: 'monitoring', snapshots_collected: 2 });
    api.clock.set(START + 20 * SECOND);
    await engine.runDue();
    expect(await read(deleted)).toMatchObject({
      status: 'error',
      is_deleted: true,
      snapshots_collected: 2,
      next_snapshot_at: null,
    });
    expect(await read(hidden)).toMatchObject({ status: 'error', is_deleted: false, snapshots_collected: 2 });
  });
});
