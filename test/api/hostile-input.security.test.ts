// Hostile input — property names, control characters, over-long and malformed URLs, several bad fields — is
// answered with a documented 4xx naming what is wrong, the same on both databases, and never moves money.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const TRACK = '/api/v1/videos/track';
const GOOD_LINK = 'https://www.tiktok.com/@u/video/7301234567890123456';
const NUL = '\u0000';
const LONG_ID = 'a'.repeat(5000);
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

type Method = 'GET' | 'POST' | 'DELETE' | 'PATCH';

/** The longest run of the input a response may repeat: enough to name a field, not to reflect a payload. */
const MAX_ECHO = 100;

/** No framework error code, no long excerpt of what was sent. */
function expectNothingLeaked(response: LightMyRequestResponse, sent: string): void {
  expect(response.body).not.toContain('FST_');
  for (let start = 0; start + MAX_ECHO < sent.length; start++) {
    const excerpt = sent.slice(start, start + MAX_ECHO + 1);
    if (response.body.includes(excerpt)) {
      expect.fail(`the response echoes more than ${MAX_ECHO} characters of the request: ${excerpt}`);
    }
  }
}

const fields = (response: LightMyRequestResponse): string[] =>
  response.json().details.map((d: { field: string }) => d.field);

describe.each(DIALECTS)('hostile input is a documented 4xx that moves no money (%s)', (dialect) => {
  let api: TestApi;
  let account: { id: string; liveKey: string; testKey: string };
  let videoId: string;
  let moneyBefore: { balance_usd: number; available_usd: number; total_charged_usd: number };

  beforeAll(async () => {
    const clock = new TestClock();
    api = await createTestApi(dialect, {
      clock,
      liveCollectors: { tiktok: createSimulatorCollector('tiktok', clock) },
    });
    // Enterprise: this file sends more than a free plan's 60 requests a minute with the one key.
    account = await api.createAccount({ creditUsd: 10, plan: 'enterprise' });
    const tracked = await api.call('POST', TRACK, {
      key: account.liveKey,
      body: { video_link: GOOD_LINK, duration_days: 1 },
    });
    expect(tracked.statusCode).toBe(201);
    videoId = tracked.json().id;
    const { balance_usd, available_usd, total_charged_usd } = (
      await api.call('GET', '/api/v1/usage', { key: account.liveKey })
    ).json();
    moneyBefore = { balance_usd, available_usd, total_charged_usd };
  });
  afterAll(() => api.close());

  /** Calls with the account's live key (or the admin token under /admin), checking nothing leaked. */
  async function send(method: Method, url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const auth = url.startsWith('/admin/') ? { headers: admin } : { key: account.liveKey };
    const response = await api.call(method, url, { ...auth, ...(body === undefined ? {} : { body }) });
    expectNothingLeaked(response, url + (body === undefined ? '' : JSON.stringify(body)));
    return response;
  }

  async function expectInvalid(response: LightMyRequestResponse, expectedFields: string[]): Promise<void> {
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'Invalid request',
      details: expectedFields.map((field) => ({ field, message: expect.any(String) })),
    });
    expect(fields(response)).toEqual(expectedFields);
  }

  describe('names of object properties are not platform hosts', () => {
    it.each(['constructor', '__proto__', 'https://www.__proto__/x', 'https://constructor/x'])(
      'tracking %s is a 400 naming video_link',
      async (link) => {
        const response = await send('POST', TRACK, { video_link: link, duration_days: 1 });
        await expectInvalid(response, ['video_link']);
        expect(response.json().details[0].message).toBe(
          'Unsupported platform: use a TikTok, YouTube, Instagram or X link',
        );
      },
    );

    it.each(['constructor', '__proto__', 'https://www.__proto__/x'])(
      'listing by video_link=%s is a 400 naming video_link',
      async (link) => {
        const response = await send('GET', `/api/v1/videos?video_link=${encodeURIComponent(link)}`);
        await expectInvalid(response, ['video_link']);
      },
    );
  });

  // Ids that can never exist: a NUL (PostgreSQL refuses it in text), another control character, 5,000 bytes.
  const impossibleIds = [
    ['a NUL', '%00'],
    ['a NUL inside', 'vid_%00x'],
    ['a control character', 'vid_%01x'],
    ['5,000 characters', LONG_ID],
  ];
  const idRoutes: [Method, (id: string) => string, unknown, string][] = [
    ['GET', (id) => `/api/v1/videos/${id}`, undefined, 'Video not found'],
    ['GET', (id) => `/api/v1/videos/${id}/snapshots`, undefined, 'Video not found'],
    ['POST', (id) => `/api/v1/videos/${id}/stop`, undefined, 'Video not found'],
    ['POST', (id) => `/api/v1/videos/${id}/pause`, undefined, 'Video not found'],
    ['POST', (id) => `/api/v1/videos/${id}/resume`, undefined, 'Video not found'],
    ['DELETE', (id) => `/api/v1/keys/${id}`, undefined, 'Key not found'],
    ['GET', (id) => `/admin/v1/accounts/${id}`, undefined, 'Account not found'],
    ['PATCH', (id) => `/admin/v1/accounts/${id}`, { plan: 'pro' }, 'Account not found'],
    ['POST', (id) => `/admin/v1/accounts/${id}/credits`, { amount_usd: 1 }, 'Account not found'],
    ['POST', (id) => `/admin/v1/videos/${id}/cancel`, undefined, 'Video not found'],
  ];
  describe.each(impossibleIds)('an id with %s', (_name, id) => {
    it.each(idRoutes.map(([method, path, body, error]) => [method, path(id), body, error] as const))(
      '%s %s → 404 with the resource’s own message',
      async (method, url, body, error) => {
        const response = await send(method, url, body);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ error });
      },
    );
  });

  it('an over-long id is still refused for a missing key first', async () => {
    const response = await api.call('GET', `/api/v1/videos/${LONG_ID}`);
    expectNothingLeaked(response, LONG_ID);
    expect([response.statusCode, response.json()]).toEqual([401, { error: 'API key required' }]);
  });

  describe('a lone UTF-16 surrogate in free text is a 400 naming it (PostgreSQL would store U+FFFD instead)', () => {
    it.each([
      ['a key name', '/api/v1/keys', { name: 'laptop\ud800' }, 'name'],
      ['a key name ending in a low surrogate', '/api/v1/keys', { name: '\udc00laptop' }, 'name'],
    ])('%s', async (_name, url, body, field) => {
      const response = await send('POST', url, body);
      await expectInvalid(response, [field]);
      expect(response.json().details[0].message).toBe(
        `${field} must be well-formed Unicode (no lone surrogate)`,
      );
    });

    it('a paired surrogate (an emoji) is kept as given', async () => {
      const created = await send('POST', '/api/v1/keys', { mode: 'test', name: 'phone 📱' });
      expect(created.statusCode).toBe(201);
      expect(created.json().name).toBe('phone 📱');
    });
  });

  describe('a NUL in a body field is a 400 naming it', () => {
    it.each([
      ['video_link at the end', TRACK, { video_link: `${GOOD_LINK}${NUL}`, duration_days: 1 }, 'video_link'],
      [
        'video_link in the host',
        TRACK,
        { video_link: `https://www.tik${NUL}tok.com/@u/video/7301234567890123456`, duration_days: 1 },
        'video_link',
      ],
      ['a key name', '/api/v1/keys', { name: `laptop${NUL}` }, 'name'],
      ['an account email', '/admin/v1/accounts', { email: `a${NUL}b@example.com` }, 'email'],
    ])('%s', async (_name, url, body, field) => {
      await expectInvalid(await send('POST', url, body), [field]);
    });

    it('a credit note', async () => {
      const response = await send('POST', `/admin/v1/accounts/${account.id}/credits`, {
        amount_usd: 1,
        note: `refund${NUL}`,
      });
      await expectInvalid(response, ['note']);
      expect(response.json().details[0].message).toBe('note must not contain NUL characters');
    });
  });

  describe('a NUL in a query parameter is a 400 naming it', () => {
    it.each(['starting_after', 'video_link', 'platform', 'status', 'limit'])(
      'GET /api/v1/videos?%s=%00',
      async (name) => {
        await expectInvalid(await send('GET', `/api/v1/videos?${name}=%00`), [name]);
      },
    );

    it.each(['starting_after', 'since', 'until', 'limit', 'format', 'include_missed'])(
      'GET /api/v1/videos/{id}/snapshots?%s=%00',
      async (name) => {
        await expectInvalid(await send('GET', `/api/v1/videos/${videoId}/snapshots?${name}=%00`), [name]);
      },
    );
  });

  describe('framework errors are answered in the documented shapes', () => {
    it.each([
      '/api/v1/videos/%E0%A4%A',
      '/api/v1/videos/%ZZ/snapshots',
      '/admin/v1/accounts/%',
      `/api/v1/videos/${'b'.repeat(3000)}%E0`,
      '/no/such/route/%E0%A4%A',
    ])('a path that is not valid percent-encoding (%s) is a 400 naming the url', async (url) => {
      const response = await send('GET', url);
      await expectInvalid(response, ['url']);
      expect(response.headers['x-request-id']).toEqual(expect.any(String));
    });

    it('a body shorter than its Content-Length is a 400 naming the header', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: TRACK,
        headers: { 'x-api-key': account.liveKey, 'content-type': 'application/json', 'content-length': '3' },
        payload: JSON.stringify({ video_link: GOOD_LINK, duration_days: 1 }),
      });
      expectNothingLeaked(response, GOOD_LINK);
      await expectInvalid(response, ['Content-Length']);
    });
  });

  describe('every bad field is reported, one entry each', () => {
    it('track: an unsupported link and a bad duration', async () => {
      const response = await send('POST', TRACK, { video_link: 'https://vimeo.com/1', duration_days: 0 });
      await expectInvalid(response, ['video_link', 'duration_days']);
      expect(response.json().details).toEqual([
        {
          field: 'video_link',
          message: 'Unsupported platform: use a TikTok, YouTube, Instagram or X link',
        },
        { field: 'duration_days', message: 'duration_days must be an integer between 1 and 30' },
      ]);
    });

    it('track: a hostile link and a missing duration', async () => {
      const response = await send('POST', TRACK, { video_link: `constructor${NUL}` });
      await expectInvalid(response, ['video_link', 'duration_days']);
    });

    it('track: a bad Idempotency-Key is named beside the bad body fields', async () => {
      const response = await api.call('POST', TRACK, {
        key: account.liveKey,
        headers: { 'idempotency-key': 'x'.repeat(256) },
        body: { video_link: 'https://vimeo.com/1', duration_days: 0 },
      });
      await expectInvalid(response, ['video_link', 'duration_days', 'Idempotency-Key']);
    });

    it('list: every filter wrong at once', async () => {
      const response = await send(
        'GET',
        '/api/v1/videos?platform=myspace&status=done&limit=0&video_link=nope&starting_after=%00',
      );
      await expectInvalid(response, ['platform', 'status', 'limit', 'video_link', 'starting_after']);
    });

    it('list: a cursor naming no video is reported beside a bad filter', async () => {
      const response = await send('GET', '/api/v1/videos?platform=myspace&starting_after=vid_noSuchVideo');
      await expectInvalid(response, ['platform', 'starting_after']);
      expect(response.json().details[1]).toEqual({ field: 'starting_after', message: 'No such video' });
    });

    it('snapshots: a cursor of another video is reported beside a bad limit', async () => {
      const response = await send(
        'GET',
        `/api/v1/videos/${videoId}/snapshots?limit=0&starting_after=job_other-2`,
      );
      await expectInvalid(response, ['limit', 'starting_after']);
      expect(response.json().details[1]).toEqual({
        field: 'starting_after',
        message: 'must be a snapshot_id of this video',
      });
    });

    it('snapshots: every parameter wrong at once', async () => {
      const response = await send(
        'GET',
        `/api/v1/videos/${videoId}/snapshots?since=x&until=y&limit=0&starting_after=nonsense&format=xml&include_missed=maybe`,
      );
      await expectInvalid(response, [
        'since',
        'until',
        'limit',
        'starting_after',
        'format',
        'include_missed',
      ]);
    });

    it('keys: a bad mode and a bad name', async () => {
      const response = await send('POST', '/api/v1/keys', { mode: 'prod', name: `x${NUL}` });
      await expectInvalid(response, ['mode', 'name']);
    });

    it('admin: a new account with every field wrong', async () => {
      const response = await send('POST', '/admin/v1/accounts', {
        email: 'not-an-email',
        plan: 'gold',
        credit_usd: -1,
      });
      await expectInvalid(response, ['email', 'plan', 'credit_usd']);
    });

    it('admin: credits with a zero amount and a NUL note', async () => {
      const response = await send('POST', `/admin/v1/accounts/${account.id}/credits`, {
        amount_usd: 0,
        note: NUL,
      });
      await expectInvalid(response, ['amount_usd', 'note']);
    });

    it('admin: settings with every field wrong', async () => {
      const response = await send('PATCH', `/admin/v1/accounts/${account.id}`, {
        plan: 'gold',
        rate_limit_per_minute: 0,
        max_active_videos: 'x',
        disabled: 'yes',
      });
      await expectInvalid(response, ['plan', 'rate_limit_per_minute', 'max_active_videos', 'disabled']);
    });
  });

  it('no money moved and no video was created by any of it', async () => {
    const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    expect(usage).toMatchObject(moneyBefore);
    const list = (await api.call('GET', '/api/v1/videos', { key: account.liveKey })).json();
    expect(list.videos.map((v: { id: string }) => v.id)).toEqual([videoId]);
    await expectInvariants(api.store, account.id);
  });
});
