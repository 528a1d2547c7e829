// The operator API under /admin/v1, status by status, and the list endpoint's parameter validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(DIALECTS)('the operator API (%s)', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(dialect);
  });
  afterAll(() => api.close());

  const createAccount = (body: unknown) => api.call('POST', '/admin/v1/accounts', { headers: admin, body });
  const fields = (response: { json(): { details: Array<{ field: string }> } }) =>
    response.json().details.map((d) => d.field);

  it('creates an account with its plan and credit, and answers its keys once', async () => {
    const response = await createAccount({ email: 'Ops@Example.com', plan: 'pro', credit_usd: 12.5 });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.account).toMatchObject({
      email: 'ops@example.com',
      plan: 'pro',
      disabled: false,
      balance_usd: 12.5,
      reserved_usd: 0,
      available_usd: 12.5,
      rate_limit_per_minute: 300,
      max_active_videos: 100,
      overrides: { rate_limit_per_minute: null, max_active_videos: null },
    });
    expect(body.api_key).toMatch(/^cs_live_/);
    expect(body.test_api_key).toMatch(/^cs_test_/);

    // Reading it back shows the keys by prefix only, and the ledger's totals.
    const read = await api.call('GET', `/admin/v1/accounts/${body.account.id}`, { headers: admin });
    expect(read.statusCode).toBe(200);
    const account = read.json();
    expect(account.account).toEqual(body.account);
    expect(account.keys.map((k: { mode: string }) => k.mode).sort()).toEqual(['live', 'test']);
    expect(JSON.stringify(account.keys)).not.toContain(body.api_key);
    expect(account.ledger).toEqual({ balance_usd: 12.5, reserved_usd: 0, charged_usd: 0, charges: 0 });
  });

  it('refuses a second account with the same email, whatever its case: 409', async () => {
    const response = await createAccount({ email: 'OPS@example.com' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: 'An account with this email already exists' });
  });

  it.each([
    [{ email: 'not an email' }, ['email']],
    [{ email: 'a@example.com', plan: 'gold' }, ['plan']],
    [{ email: 'a@example.com', credit_usd: -1 }, ['credit_usd']],
    [{ email: 'a@example.com', credit_usd: 1.0000001 }, ['credit_usd']],
    [{ email: 'a@example.com', credit_usd: '10' }, ['credit_usd']],
    [{}, ['email']],
  ])('account creation refuses %j with a 400 naming %j', async (body, named) => {
    const response = await createAccount(body);
    expect(response.statusCode).toBe(400);
    expect(fields(response)).toEqual(named);
  });

  it('credits: 201 with the new balance; 400 for 0 or an overdraw; 404 for an unknown account', async () => {
    const { account } = (await createAccount({ email: 'credits@example.com', credit_usd: 5 })).json();
    const credit = (id: string, body: unknown) =>
      api.call('POST', `/admin/v1/accounts/${id}/credits`, { headers: admin, body });
    const topUp = await credit(account.id, { amount_usd: 20, note: 'invoice 7' });
    expect(topUp.statusCode).toBe(201);
    expect(topUp.json().account).toMatchObject({ balance_usd: 25, available_usd: 25 });
    const zero = await credit(account.id, { amount_usd: 0 });
    expect([zero.statusCode, fields(zero)]).toEqual([400, ['amount_usd']]);
    const overdraw = await credit(account.id, { amount_usd: -30 });
    expect([overdraw.statusCode, fields(overdraw)]).toEqual([400, ['amount_usd']]);
    const unknown = await credit('acc_doesNotExist000000', { amount_usd: 5 });
    expect([unknown.statusCode, unknown.json()]).toEqual([404, { error: 'Account not found' }]);
    const read = await api.call('GET', `/admin/v1/accounts/${account.id}`, { headers: admin });
    expect(read.json().ledger).toMatchObject({ balance_usd: 25 });
  });

  it('PATCH changes the plan and overrides; null goes back to the plan; bad fields are 400, unknown 404', async () => {
    const { account } = (await createAccount({ email: 'patch@example.com' })).json();
    const patch = (id: string, body: unknown) =>
      api.call('PATCH', `/admin/v1/accounts/${id}`, { headers: admin, body });
    const upgraded = await patch(account.id, { plan: 'enterprise', rate_limit_per_minute: 2000 });
    expect(upgraded.statusCode).toBe(200);
    expect(upgraded.json().account).toMatchObject({
      plan: 'enterprise',
      rate_limit_per_minute: 2000,
      max_active_videos: null,
      overrides: { rate_limit_per_minute: 2000, max_active_videos: null },
    });
    const cleared = await patch(account.id, { rate_limit_per_minute: null, max_active_videos: 5 });
    expect(cleared.json().account).toMatchObject({
      rate_limit_per_minute: 1000,
      max_active_videos: 5,
      overrides: { rate_limit_per_minute: null, max_active_videos: 5 },
    });
    const bad = await patch(account.id, { plan: 'gold', max_active_videos: 0, disabled: 'yes' });
    expect([bad.statusCode, fields(bad)]).toEqual([400, ['plan', 'max_active_videos', 'disabled']]);
    const unknown = await patch('acc_doesNotExist000000', { plan: 'pro' });
    expect([unknown.statusCode, unknown.json()]).toEqual([404, { error: 'Account not found' }]);
    const missing = await api.call('GET', '/admin/v1/accounts/acc_doesNotExist000000', { headers: admin });
    expect([missing.statusCode, missing.json()]).toEqual([404, { error: 'Account not found' }]);
  });

  it('cancels a video: 200 with both statuses, then 409 naming the status it is in; an unknown video is 404', async () => {
    const { test_api_key: key } = (await createAccount({ email: 'cancel@example.com' })).json();
    const tracked = await api.call('POST', '/api/v1/videos/track', {
      key,
      body: { video_link: 'https://www.tiktok.com/@u/video/7301234567890123456', duration_days: 1 },
    });
    const id = tracked.json().id;
    const cancel = (videoId: string) =>
      api.call('POST', `/admin/v1/videos/${videoId}/cancel`, { headers: admin });
    const first = await cancel(id);
    expect([first.statusCode, first.json()]).toEqual([
      200,
      { success: true, id, previous_status: 'monitoring', new_status: 'cancelled' },
    ]);
    expect((await api.call('GET', `/api/v1/videos/${id}`, { key })).json()).toMatchObject({
      status: 'cancelled',
      error_reason: 'cancelled by the operator',
    });
    const again = await cancel(id);
    expect([again.statusCode, again.json()]).toEqual([
      409,
      { error: 'Video is already cancelled', status: 'cancelled' },
    ]);
    expect((await cancel('vid_doesNotExist000000')).json()).toEqual({ error: 'Video not found' });
  });

  it('a wrong token is 401 with its message', async () => {
    const response = await api.call('GET', '/admin/v1/accounts/acc_x', {
      headers: { authorization: 'Bearer not-the-token' },
    });
    expect([response.statusCode, response.json()]).toEqual([401, { error: 'Invalid admin token' }]);
  });

  let listers = 0;
  it.each([
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=ten', 'limit'],
    ['?platform=myspace', 'platform'],
    ['?status=done', 'status'],
    [`?video_link=${'x'.repeat(3000)}`, 'video_link'],
  ])('GET /api/v1/videos%s is a 400 naming %s', async (query, field) => {
    const { test_api_key: key } = (await createAccount({ email: `list-${++listers}@example.com` })).json();
    const response = await api.call('GET', `/api/v1/videos${query}`, { key });
    expect(response.statusCode).toBe(400);
    expect(fields(response)).toEqual([field]);
  });
});

describe('without CONTENTSTATS_ADMIN_TOKEN the operator API does not exist', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('sqlite', { config: { adminToken: undefined } });
  });
  afterAll(() => api.close());

  it.each([
    ['POST', '/admin/v1/accounts'],
    ['GET', '/admin/v1/accounts/acc_x'],
    ['PATCH', '/admin/v1/accounts/acc_x'],
  ] as const)('%s %s → 404, whatever the token', async (method, url) => {
    const response = await api.call(method, url, { headers: admin, body: {} });
    expect([response.statusCode, response.json()]).toEqual([404, { error: 'Not found' }]);
  });
});
