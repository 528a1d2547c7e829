import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const TRACK = '/api/v1/videos/track';
const GOOD_LINK = 'https://www.tiktok.com/@u/video/7301234567890123456';

describe.each(DIALECTS)('POST /videos/track refuses bad requests and moves no money (%s)', (dialect) => {
  let api: TestApi;
  let account: { id: string; liveKey: string; testKey: string };

  beforeAll(async () => {
    const clock = new TestClock();
    api = await createTestApi(dialect, {
      clock,
      liveCollectors: { tiktok: createSimulatorCollector('tiktok', clock) },
    });
    account = await api.createAccount({ creditUsd: 0.5 });
  });
  afterAll(() => api.close());

  const videoCount = async () =>
    (
      await api.store.db
        .selectFrom('videos')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it.each([
    ['a missing video_link', { duration_days: 7 }, ['video_link']],
    ['a numeric video_link', { video_link: 42, duration_days: 7 }, ['video_link']],
    ['a javascript: link', { video_link: 'javascript:alert(1)', duration_days: 7 }, ['video_link']],
    [
      'an IP-literal link',
      { video_link: 'http://127.0.0.1/watch?v=dQw4w9WgXcQ', duration_days: 7 },
      ['video_link'],
    ],
    [
      'a credentialed link',
      { video_link: 'https://a:b@www.youtube.com/watch?v=dQw4w9WgXcQ', duration_days: 7 },
      ['video_link'],
    ],
    [
      'a link with a port',
      { video_link: 'https://www.youtube.com:444/watch?v=dQw4w9WgXcQ', duration_days: 7 },
      ['video_link'],
    ],
    ['an unsupported platform', { video_link: 'https://vimeo.com/1234', duration_days: 7 }, ['video_link']],
    [
      'a 3000-character link',
      { video_link: `${GOOD_LINK}?q=${'a'.repeat(3000)}`, duration_days: 7 },
      ['video_link'],
    ],
    ['a missing duration', { video_link: GOOD_LINK }, ['duration_days']],
    ['duration 0', { video_link: GOOD_LINK, duration_days: 0 }, ['duration_days']],
    ['duration 31', { video_link: GOOD_LINK, duration_days: 31 }, ['duration_days']],
    ['a fractional duration', { video_link: GOOD_LINK, duration_days: 1.5 }, ['duration_days']],
    ['a string duration', { video_link: GOOD_LINK, duration_days: '7' }, ['duration_days']],
    ['a null duration', { video_link: GOOD_LINK, duration_days: null }, ['duration_days']],
    ['two bad fields', { video_link: 7, duration_days: 'x' }, ['video_link', 'duration_days']],
    ['an array body', [1, 2], ['body']],
  ])('%s → 400 naming the field', async (_name, body, fields) => {
    const response = await api.call('POST', TRACK, { key: account.liveKey, body });
    expect(response.statusCode).toBe(400);
    const json = response.json();
    expect(json.error).toBe('Invalid request');
    expect(json.details.map((d: { field: string }) => d.field)).toEqual(fields);
    for (const d of json.details) expect(d.message).toEqual(expect.any(String));
  });

  it('malformed JSON → 400 naming the body', async () => {
    const response = await api.call('POST', TRACK, {
      key: account.liveKey,
      body: '{"video_link": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'Invalid request',
      details: [{ field: 'body', message: 'Malformed JSON' }],
    });
  });

  it('a body that is not JSON → 415 naming the content type', async () => {
    const response = await api.call('POST', TRACK, {
      key: account.liveKey,
      body: 'video_link=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().details[0].field).toBe('Content-Type');
  });

  it('a body over 16 KiB → 413', async () => {
    const response = await api.call('POST', TRACK, {
      key: account.liveKey,
      body: { video_link: GOOD_LINK, duration_days: 1, pad: 'x'.repeat(17_000) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'Payload too large' });
  });

  it('a malformed Idempotency-Key → 400 naming the header', async () => {
    const response = await api.call('POST', TRACK, {
      key: account.liveKey,
      body: { video_link: GOOD_LINK, duration_days: 1 },
      headers: { 'idempotency-key': 'has spaces in it' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details[0].field).toBe('Idempotency-Key');
  });

  it('available balance below the estimated cost → 402 with the exact numbers', async () => {
    const response = await api.call('POST', TRACK, {
      key: account.liveKey,
      body: { video_link: GOOD_LINK, duration_days: 7 },
    });
    expect(response.statusCode).toBe(402);
    expect(response.json()).toEqual({
      error: 'Insufficient balance',
      balance: 0.5,
      estimated_cost: 2.52,
      required: 2.02,
    });
  });

  it('a video the platform says is missing or private → 404, nothing stored or charged', async () => {
    for (const id of ['7300000000000004040', '7300000000000004030']) {
      const response = await api.call('POST', TRACK, {
        key: account.testKey,
        body: { video_link: `https://www.tiktok.com/@u/video/${id}`, duration_days: 1 },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'Video not found or is private' });
    }
    expect(await videoCount()).toBe(0);
  });

  it('a platform that cannot be read → 500 with the documented message, nothing stored or charged', async () => {
    const response = await api.call('POST', TRACK, {
      key: account.testKey,
      body: { video_link: 'https://www.tiktok.com/@u/video/7300000000000005030', duration_days: 1 },
    });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: 'Failed to start monitoring - invalid response from tracking API',
      reason:
        "TikTok blocked this server's request (a bot check, a sign-in or consent page, or a refusal); try again later",
    });
    expect(await videoCount()).toBe(0);
  });

  it('a live platform without a collector → 500, never a fake success', async () => {
    const response = await api.call('POST', TRACK, {
      key: account.liveKey,
      body: { video_link: 'https://youtu.be/dQw4w9WgXcQ', duration_days: 1 },
    });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: 'Failed to start monitoring - invalid response from tracking API',
      reason: 'YouTube is not read by this server (no collector is set up for it)',
    });
    expect(await videoCount()).toBe(0);
    await expectInvariants(api.store, account.id);
  });

  it('the OpenAPI document shows the 500 with its exact error and its reason', async () => {
    const doc = (await api.call('GET', '/openapi.json')).json();
    const { $ref } =
      doc.paths['/api/v1/videos/track'].post.responses['500'].content['application/json'].schema;
    expect($ref).toBe('#/components/schemas/TrackFailed');
    const schema = doc.components.schemas.TrackFailed;
    expect(schema.required).toEqual(expect.arrayContaining(['error', 'reason']));
    expect(schema.properties.error.enum).toEqual([
      'Failed to start monitoring - invalid response from tracking API',
    ]);
    expect(schema.properties.reason).toMatchObject({ type: 'string' });
  });

  it('the plan limit on videos monitored at once → 403 with the limit', async () => {
    await api.call('PATCH', `/admin/v1/accounts/${account.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { max_active_videos: 1 },
    });
    const first = await api.call('POST', TRACK, {
      key: account.testKey,
      body: { video_link: GOOD_LINK, duration_days: 1 },
    });
    expect(first.statusCode).toBe(201);
    const second = await api.call('POST', TRACK, {
      key: account.testKey,
      body: { video_link: GOOD_LINK, duration_days: 1 },
    });
    expect(second.statusCode).toBe(403);
    expect(second.json()).toMatchObject({ limit: 1, error: expect.stringContaining('limit') });
  });

  it('a disabled account → 403 Access denied', async () => {
    const other = await api.createAccount({ creditUsd: 5 });
    await api.call('PATCH', `/admin/v1/accounts/${other.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { disabled: true },
    });
    const response = await api.call('POST', TRACK, {
      key: other.liveKey,
      body: { video_link: GOOD_LINK, duration_days: 1 },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('Access denied');
  });

  it('no money moved through any of the refusals', async () => {
    await expectInvariants(api.store, account.id);
    const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    expect(usage).toMatchObject({ balance_usd: 0.5, total_charged_usd: 0, uncharged_usage_usd: 0 });
  });
});
