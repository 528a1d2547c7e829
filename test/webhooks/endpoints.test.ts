// The webhook endpoints API: registration with its URL checks and plan limit, per-mode scoping, another
// account's ids as 404, rotation, test events and the deliveries listing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWebhookEndpointSchema, webhookEndpointSchema } from '../../src/api/contract/components.ts';
import { PLANS } from '../../src/billing/plans.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

const URL = 'https://hooks.example.com/contentstats';

describe.each(DIALECTS)('webhook endpoints (%s)', (dialect) => {
  let api: TestApi;
  let keys: { id: string; liveKey: string; testKey: string };
  let other: { id: string; liveKey: string; testKey: string };

  beforeAll(async () => {
    api = await createTestApi(dialect);
    keys = await api.createAccount({ creditUsd: 10 });
    other = await api.createAccount({ creditUsd: 10 });
  });
  afterAll(() => api.close());

  const create = (key: string, body: unknown) => api.call('POST', '/api/v1/webhooks', { key, body });

  it('registers an endpoint and shows its secret only in the 201', async () => {
    const response = await create(keys.liveKey, {
      url: URL,
      events: ['snapshot.created', 'balance.low', 'snapshot.created'],
      description: 'prod',
    });
    expect(response.statusCode).toBe(201);
    const body = newWebhookEndpointSchema.parse(response.json());
    expect(body).toMatchObject({
      url: URL,
      events: ['snapshot.created', 'balance.low'],
      description: 'prod',
      disabled: false,
      mode: 'live',
    });
    expect(body.id).toMatch(/^wh_/);
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const read = await api.call('GET', `/api/v1/webhooks/${body.id}`, { key: keys.liveKey });
    expect(read.statusCode).toBe(200);
    expect(webhookEndpointSchema.strict().safeParse(read.json()).success).toBe(true);
    expect(read.body).not.toContain(body.secret);
  });

  it.each([
    ['http://hooks.example.com/x', 'url must be an https:// URL'],
    ['https://user:pw@hooks.example.com/x', 'url must not contain credentials (user:password@)'],
    ['https://127.0.0.1/x', 'url must name a host, not an IP address'],
    ['https://2130706433/x', 'url must name a host, not an IP address'],
    ['https://[::1]/x', 'url must name a host, not an IP address'],
    ['https://[::ffff:169.254.169.254]/x', 'url must name a host, not an IP address'],
    ['not a url', 'url must not contain spaces or control characters'],
    ['ftp://hooks.example.com/x', 'url must be an https:// URL'],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, 'url must be at most 2048 characters'],
  ])('refuses %s with a 400 naming url', async (url, message) => {
    const response = await create(keys.liveKey, { url, events: ['snapshot.created'] });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([{ field: 'url', message }]);
  });

  it('refuses empty, unknown or missing events with a 400 naming events', async () => {
    for (const events of [[], ['snapshot.deleted'], 'snapshot.created', undefined]) {
      const response = await create(keys.liveKey, { url: URL, events });
      expect(response.statusCode).toBe(400);
      expect(response.json().details[0].field).toMatch(/^events/);
    }
  });

  it('names a bad url beside the other bad fields, on create and on change', async () => {
    for (const url of ['💥'.repeat(40), 'http://hooks.example.com/x', 'https://10.0.0.1/x']) {
      const created = await create(keys.liveKey, { url, events: 'snapshot.created', description: 5 });
      expect(created.statusCode, url).toBe(400);
      expect(created.json().details.map((d: { field: string }) => d.field)).toEqual([
        'url',
        'events',
        'description',
      ]);
    }
    const endpoint = (await create(keys.liveKey, { url: URL, events: ['snapshot.created'] })).json();
    const changed = await api.call('PATCH', `/api/v1/webhooks/${endpoint.id}`, {
      key: keys.liveKey,
      body: { url: 'https://user:pw@hooks.example.com/x', disabled: 'no' },
    });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().details).toEqual([
      { field: 'url', message: 'url must not contain credentials (user:password@)' },
      { field: 'disabled', message: 'disabled must be true or false' },
    ]);
    const unchanged = await api.call('GET', `/api/v1/webhooks/${endpoint.id}`, { key: keys.liveKey });
    expect(unchanged.json().url).toBe(URL);
  });

  it('accepts http:// only when the operator allows it', async () => {
    const permissive = await createTestApi(dialect, { config: { webhookAllowHttp: true } });
    try {
      const account = await permissive.createAccount();
      const response = await permissive.call('POST', '/api/v1/webhooks', {
        key: account.liveKey,
        body: { url: 'http://receiver.internal:8080/hook', events: ['webhook.test'] },
      });
      expect(response.statusCode).toBe(201);
    } finally {
      await permissive.close();
    }
  });

  it('keeps test and live endpoints apart, and answers 404 for another account’s', async () => {
    const testHook = (await create(keys.testKey, { url: URL, events: ['snapshot.created'] })).json();
    expect(testHook.mode).toBe('test');
    const liveList = (await api.call('GET', '/api/v1/webhooks', { key: keys.liveKey })).json();
    expect(liveList.webhooks.map((w: { id: string }) => w.id)).not.toContain(testHook.id);
    const testList = (await api.call('GET', '/api/v1/webhooks', { key: keys.testKey })).json();
    expect(testList.webhooks.map((w: { id: string }) => w.id)).toEqual([testHook.id]);

    // A live key does not see test endpoints; another account sees none of these.
    for (const [key, method, path] of [
      [keys.liveKey, 'GET', `/api/v1/webhooks/${testHook.id}`],
      [other.testKey, 'GET', `/api/v1/webhooks/${testHook.id}`],
      [other.testKey, 'PATCH', `/api/v1/webhooks/${testHook.id}`],
      [other.testKey, 'DELETE', `/api/v1/webhooks/${testHook.id}`],
      [other.testKey, 'POST', `/api/v1/webhooks/${testHook.id}/rotate-secret`],
      [other.testKey, 'POST', `/api/v1/webhooks/${testHook.id}/test`],
      [other.testKey, 'GET', `/api/v1/webhooks/${testHook.id}/deliveries`],
      [other.testKey, 'POST', `/api/v1/webhooks/${testHook.id}/deliveries/dlv_x/redeliver`],
    ] as const) {
      const response = await api.call(method, path, { key, ...(method === 'PATCH' ? { body: {} } : {}) });
      expect(response.statusCode, `${method} ${path}`).toBe(404);
      expect(response.json()).toEqual({ error: 'Webhook not found' });
    }
  });

  it('changes, rotates, tests, lists deliveries, redelivers and deletes', async () => {
    const hook = (await create(keys.testKey, { url: URL, events: ['snapshot.created'] })).json();
    const patched = await api.call('PATCH', `/api/v1/webhooks/${hook.id}`, {
      key: keys.testKey,
      body: { events: ['tracking.completed'], description: null, disabled: true },
    });
    expect(patched.json()).toMatchObject({
      events: ['tracking.completed'],
      disabled: true,
      disabled_reason: 'disabled by the account',
    });
    const badPatch = await api.call('PATCH', `/api/v1/webhooks/${hook.id}`, {
      key: keys.testKey,
      body: { url: 'https://10.0.0.1/' },
    });
    expect(badPatch.json().details).toEqual([
      { field: 'url', message: 'url must name a host, not an IP address' },
    ]);

    const rotated = await api.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, {
      key: keys.testKey,
    });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).not.toBe(hook.secret);
    expect(rotated.json().previous_secret_expires_at).toBe(
      new Date(api.clock.now() + 86_400_000).toISOString(),
    );

    const test = await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: keys.testKey });
    expect(test.statusCode).toBe(202);
    const listed = await api.call('GET', `/api/v1/webhooks/${hook.id}/deliveries`, { key: keys.testKey });
    expect(listed.json()).toMatchObject({
      deliveries: [
        { id: test.json().delivery_id, event_type: 'webhook.test', status: 'pending', attempts: [] },
      ],
      has_more: false,
    });
    api.clock.advance(1); // a later delivery id: the listing is newest first
    const again = await api.call(
      'POST',
      `/api/v1/webhooks/${hook.id}/deliveries/${test.json().delivery_id}/redeliver`,
      { key: keys.testKey },
    );
    expect(again.statusCode).toBe(202);
    expect(again.json().event_id).toBe(test.json().event_id);
    const page = await api.call('GET', `/api/v1/webhooks/${hook.id}/deliveries?limit=1`, {
      key: keys.testKey,
    });
    expect(page.json().deliveries.map((d: { id: string }) => d.id)).toEqual([again.json().id]);
    expect(page.json().has_more).toBe(true);
    const next = await api.call(
      'GET',
      `/api/v1/webhooks/${hook.id}/deliveries?limit=1&starting_after=${again.json().id}`,
      { key: keys.testKey },
    );
    expect(next.json()).toMatchObject({ deliveries: [{ id: test.json().delivery_id }], has_more: false });
    const unknownCursor = await api.call(
      'GET',
      `/api/v1/webhooks/${hook.id}/deliveries?starting_after=dlv_nope`,
      {
        key: keys.testKey,
      },
    );
    expect(unknownCursor.statusCode).toBe(400);
    expect(unknownCursor.json().details[0].field).toBe('starting_after');
    const unknownDelivery = await api.call(
      'POST',
      `/api/v1/webhooks/${hook.id}/deliveries/dlv_nope/redeliver`,
      {
        key: keys.testKey,
      },
    );
    expect(unknownDelivery.statusCode).toBe(404);
    expect(unknownDelivery.json()).toEqual({ error: 'Delivery not found' });

    const deleted = await api.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: keys.testKey });
    expect(deleted.json()).toEqual({ id: hook.id, deleted: true });
    expect((await api.call('GET', `/api/v1/webhooks/${hook.id}`, { key: keys.testKey })).statusCode).toBe(
      404,
    );
  });

  it('refuses an endpoint over the plan limit with a 403 naming it', async () => {
    const account = await api.createAccount();
    const limit = PLANS.free.maxWebhookEndpoints;
    for (let i = 0; i < limit; i++) {
      expect(
        (await create(account.liveKey, { url: `${URL}/${i}`, events: ['balance.low'] })).statusCode,
      ).toBe(201);
    }
    const over = await create(account.liveKey, { url: URL, events: ['balance.low'] });
    expect(over.statusCode).toBe(403);
    expect(over.json()).toMatchObject({ error: 'Webhook limit reached', limit });
    // The limit is per mode.
    expect((await create(account.testKey, { url: URL, events: ['balance.low'] })).statusCode).toBe(201);
  });
});
