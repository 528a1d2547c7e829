import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackedVideoSchema } from '../../src/api/contract/components.ts';
import { updateAccountSettings } from '../../src/store/accounts.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

describe.each(DIALECTS)('tracking a video with a test key (%s)', (dialect) => {
  let api: TestApi;
  let keys: { id: string; liveKey: string; testKey: string };

  beforeAll(async () => {
    api = await createTestApi(dialect);
    keys = await api.createAccount({ creditUsd: 10 });
  });
  afterAll(() => api.close());

  it('answers 201 with the contentstats fields and takes the first snapshot', async () => {
    const response = await api.call('POST', '/api/v1/videos/track', {
      key: keys.testKey,
      body: {
        video_link: 'https://www.tiktok.com/@someone/video/7301234567890123456?lang=en',
        duration_days: 7,
      },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      video_link: 'https://www.tiktok.com/@someone/video/7301234567890123456?lang=en',
      platform: 'tiktok',
      status: 'monitoring',
      monitoring_duration_days: 7,
      days_remaining: 7,
      estimated_cost: 2.52,
      canonical_url: 'https://www.tiktok.com/@_/video/7301234567890123456',
      snapshots_collected: 1,
      snapshots_missed: 0,
      snapshots_pruned_at: null,
    });
    // Unguessable (14 random base62 characters after 8 of the creation time, which keeps new rows together).
    expect(body.id).toMatch(/^vid_[0-9A-Za-z]{22}$/);
    expect(body.job_id).toMatch(/^job_/);
    expect(body.created_at).toBe('2024-01-29T10:00:00.000Z');
    expect(body.next_snapshot_at).toBe('2024-01-29T11:00:00.000Z');
    expect(body.latest.provider).toBe('simulator');
    expect(body.latest.views).toMatch(/^\d+$/);
  });

  it('reads the video back with its snapshot as strings and null for missing metrics', async () => {
    api.clock.advance(1000);
    const tracked = await api.call('POST', '/api/v1/videos/track', {
      key: keys.testKey,
      body: { video_link: 'https://youtu.be/dQw4w9WgXcQ', duration_days: 1 },
    });
    const id = tracked.json().id;
    const response = await api.call('GET', `/api/v1/videos/${id}`, { key: keys.testKey });
    expect(response.statusCode).toBe(200);
    const video = response.json();
    expect(video.is_deleted).toBe(false);
    expect(video.current_metadata).toEqual({
      title: 'Simulated youtube video dQw4w9WgXcQ',
      creator: expect.stringMatching(/^sim_/),
      description: expect.any(String),
    });
    expect(video.snapshots).toHaveLength(1);
    const [snapshot] = video.snapshots;
    expect(snapshot).toMatchObject({ provider: 'simulator', shares: null, saves: null, slot: 0 });
    expect(typeof snapshot.views).toBe('string');
    expect(snapshot.snapshot_time).toBe('2024-01-29T10:00:01.000Z');
    expect(video.last_updated).toBe('2024-01-29T10:00:01.000Z');
  });

  it('lists videos newest first with filters and a cursor', async () => {
    for (const link of [
      'https://x.com/NASA/status/1712345678901234567',
      'https://www.instagram.com/reel/CxYz12AbCdE/',
    ]) {
      api.clock.advance(1000);
      const r = await api.call('POST', '/api/v1/videos/track', {
        key: keys.testKey,
        body: { video_link: link, duration_days: 2 },
      });
      expect(r.statusCode).toBe(201);
    }
    const all = (await api.call('GET', '/api/v1/videos', { key: keys.testKey })).json();
    expect(all.videos.map((v: { platform: string }) => v.platform)).toEqual([
      'instagram',
      'twitter',
      'youtube',
      'tiktok',
    ]);
    expect(all).toMatchObject({ total: 4, limit: 50, has_more: false });
    const page1 = (await api.call('GET', '/api/v1/videos?limit=2', { key: keys.testKey })).json();
    expect(page1).toMatchObject({ total: 2, limit: 2, has_more: true });
    const page2 = (
      await api.call('GET', `/api/v1/videos?limit=2&starting_after=${page1.videos[1].id}`, {
        key: keys.testKey,
      })
    ).json();
    expect(page2.videos.map((v: { platform: string }) => v.platform)).toEqual(['youtube', 'tiktok']);
    expect(page2.has_more).toBe(false);
    const twitter = (await api.call('GET', '/api/v1/videos?platform=twitter', { key: keys.testKey })).json();
    expect(twitter.videos).toHaveLength(1);
    const byLink = (
      await api.call(
        'GET',
        `/api/v1/videos?video_link=${encodeURIComponent('https://twitter.com/x/status/1712345678901234567')}`,
        { key: keys.testKey },
      )
    ).json();
    expect(byLink.videos).toHaveLength(1);
    const monitoring = (
      await api.call('GET', '/api/v1/videos?status=completed', { key: keys.testKey })
    ).json();
    expect(monitoring.videos).toHaveLength(0);
  });

  it('test mode never charges: the balance is untouched', async () => {
    const usage = (await api.call('GET', '/api/v1/usage', { key: keys.testKey })).json();
    expect(usage).toMatchObject({
      balance_usd: 10,
      total_charged_usd: 0,
      uncharged_usage_usd: 0,
      available_usd: 10,
      active_videos: 4,
      total_snapshots: 4,
    });
    const live = (await api.call('GET', '/api/v1/usage', { key: keys.liveKey })).json();
    expect(live).toMatchObject({
      balance_usd: 10,
      total_snapshots: 0,
      active_videos: 0,
      estimated_snapshots_remaining: 666,
      cost_per_snapshot: 0.015,
    });
  });

  it('the 201 shows the video exactly as GET /videos/:id then reads it from the database', async () => {
    const tracked = await api.call('POST', '/api/v1/videos/track', {
      key: keys.testKey,
      body: { video_link: 'https://www.instagram.com/reel/C9xYzAbCdEf/', duration_days: 2 },
    });
    expect(tracked.statusCode).toBe(201);
    const created = tracked.json();
    const read = (await api.call('GET', `/api/v1/videos/${created.id}`, { key: keys.testKey })).json();
    // Every field of the detail but the three only it has, no more and no fewer.
    const { is_deleted, snapshots, last_updated, ...readAsTracked } = read;
    expect(created).toEqual(readAsTracked);
    expect(snapshots).toEqual([created.latest]);
    expect([is_deleted, last_updated]).toEqual([false, created.created_at]);
    // And it is what the OpenAPI document says: parsing keeps every field (no extra ones) and each has its type.
    expect(trackedVideoSchema.parse(created)).toEqual(created);
  });

  it('a refusal from a cached view of the account is checked against the database first', async () => {
    // Another process (the CLI) lifts the plan limit; this process still holds the key's account in cache.
    const limited = await api.createAccount({ creditUsd: 1 });
    await updateAccountSettings(api.store, limited.id, { max_active_videos: 1 });
    const track = () =>
      api.call('POST', '/api/v1/videos/track', {
        key: limited.testKey,
        body: { video_link: 'https://www.tiktok.com/@someone/video/7301234567890123456', duration_days: 1 },
      });
    expect((await track()).statusCode).toBe(201);
    expect((await track()).statusCode).toBe(403);
    await updateAccountSettings(api.store, limited.id, { max_active_videos: 5 });
    expect((await track()).statusCode).toBe(201);
  });

  it('a live key does not see test videos', async () => {
    const live = (await api.call('GET', '/api/v1/videos', { key: keys.liveKey })).json();
    expect(live.videos).toEqual([]);
  });

  it('stop ends the tracking and a second stop is a 409', async () => {
    const tracked = (
      await api.call('POST', '/api/v1/videos/track', {
        key: keys.testKey,
        body: { video_link: 'https://youtu.be/abcdefghijk', duration_days: 3 },
      })
    ).json();
    const stop = await api.call('POST', `/api/v1/videos/${tracked.id}/stop`, { key: keys.testKey });
    expect(stop.statusCode).toBe(200);
    expect(stop.json()).toMatchObject({
      success: true,
      id: tracked.id,
      job_id: tracked.job_id,
      video_link: 'https://youtu.be/abcdefghijk',
      previous_status: 'monitoring',
      new_status: 'completed',
    });
    const again = await api.call('POST', `/api/v1/videos/${tracked.id}/stop`, { key: keys.testKey });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toEqual(expect.any(String));
    const after = (await api.call('GET', `/api/v1/videos/${tracked.id}`, { key: keys.testKey })).json();
    expect(after).toMatchObject({ status: 'completed', days_remaining: 0, next_snapshot_at: null });
    expect(after.snapshots).toHaveLength(1);
  });

  it('every response carries rate-limit headers and a request id', async () => {
    const response = await api.call('GET', '/api/v1/usage', { key: keys.testKey });
    expect(response.headers['x-ratelimit-limit']).toBe('60');
    expect(Number(response.headers['x-ratelimit-remaining'])).toBeLessThan(60);
    expect(Number(response.headers['x-ratelimit-reset'])).toBeGreaterThan(1706522400 - 1);
    expect(response.headers['x-request-id']).toMatch(/^req_/);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});
