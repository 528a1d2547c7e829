// A small client of the contentstats API, typed only by what openapi-typescript generates from /openapi.json:
//   npx openapi-typescript http://localhost:3000/openapi.json -o contentstats-api.ts
// The contract test generates those types afresh beside a copy of this file and type-checks it (this file is
// left out of the project's own tsc run for that reason), then runs `tour` against the service.
import type { components, paths } from './contentstats-api.ts';

type Schemas = components['schemas'];
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The JSON body of an operation's answer with this status. */
type Answer<Operation, Status extends number> = Operation extends {
  responses: { [S in Status]: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;
type RequestBody<Operation> = Operation extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;
type Query<Operation> = Operation extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type Id<Operation> = Operation extends { parameters: { path: { id: infer I } } } ? I : never;

export interface HttpRequest {
  method: Method;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}
export interface HttpResponse {
  status: number;
  contentType: string;
  body: string;
}
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export function contentstatsClient(send: Transport, credentials: { apiKey?: string; adminToken?: string }) {
  const calls: { operationId: string; status: number }[] = [];

  async function call<T>(
    operationId: string,
    method: Method,
    path: string,
    options: {
      body?: unknown;
      query?: Record<string, string | undefined>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<T> {
    const query = Object.entries(options.query ?? {})
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
      .join('&');
    const headers: Record<string, string> = { ...options.headers };
    if (credentials.apiKey) headers['x-api-key'] = credentials.apiKey;
    if (credentials.adminToken) headers.authorization = `Bearer ${credentials.adminToken}`;
    const response = await send({
      method,
      path: query ? `${path}?${query}` : path,
      headers,
      body: options.body,
    });
    calls.push({ operationId, status: response.status });
    if (response.status >= 300) throw new Error(`${operationId}: ${response.status} ${response.body}`);
    return (
      response.contentType.startsWith('application/json') ? JSON.parse(response.body) : response.body
    ) as T;
  }

  const video = (id: string) => `/api/v1/videos/${encodeURIComponent(id)}`;
  type Paths = paths;

  return {
    calls,
    getLiveness: () => call<Answer<Paths['/livez']['get'], 200>>('getLiveness', 'GET', '/livez'),
    getReadiness: () => call<Answer<Paths['/readyz']['get'], 200>>('getReadiness', 'GET', '/readyz'),
    getMetrics: () => call<string>('getMetrics', 'GET', '/metrics'),
    getOpenApiDocument: () =>
      call<Answer<Paths['/openapi.json']['get'], 200>>('getOpenApiDocument', 'GET', '/openapi.json'),

    trackVideo: (body: RequestBody<Paths['/api/v1/videos/track']['post']>, idempotencyKey?: string) =>
      call<Answer<Paths['/api/v1/videos/track']['post'], 201>>('trackVideo', 'POST', '/api/v1/videos/track', {
        body,
        ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
      }),
    listVideos: (query: Query<Paths['/api/v1/videos']['get']> = {}) =>
      call<Answer<Paths['/api/v1/videos']['get'], 200>>('listVideos', 'GET', '/api/v1/videos', { query }),
    getVideo: (id: Id<Paths['/api/v1/videos/{id}']['get']>) =>
      call<Answer<Paths['/api/v1/videos/{id}']['get'], 200>>('getVideo', 'GET', video(id)),
    listSnapshots: (
      id: Id<Paths['/api/v1/videos/{id}/snapshots']['get']>,
      query: Query<Paths['/api/v1/videos/{id}/snapshots']['get']> = {},
    ) =>
      call<Answer<Paths['/api/v1/videos/{id}/snapshots']['get'], 200>>(
        'listSnapshots',
        'GET',
        `${video(id)}/snapshots`,
        { query: { ...query, format: 'json' } },
      ),
    stopVideo: (id: string) =>
      call<Answer<Paths['/api/v1/videos/{id}/stop']['post'], 200>>('stopVideo', 'POST', `${video(id)}/stop`),
    pauseVideo: (id: string) =>
      call<Answer<Paths['/api/v1/videos/{id}/pause']['post'], 200>>(
        'pauseVideo',
        'POST',
        `${video(id)}/pause`,
      ),
    resumeVideo: (id: string) =>
      call<Answer<Paths['/api/v1/videos/{id}/resume']['post'], 200>>(
        'resumeVideo',
        'POST',
        `${video(id)}/resume`,
      ),
    getUsage: () => call<Answer<Paths['/api/v1/usage']['get'], 200>>('getUsage', 'GET', '/api/v1/usage'),

    listKeys: () => call<Answer<Paths['/api/v1/keys']['get'], 200>>('listKeys', 'GET', '/api/v1/keys'),
    createKey: (body: RequestBody<Paths['/api/v1/keys']['post']>) =>
      call<Answer<Paths['/api/v1/keys']['post'], 201>>('createKey', 'POST', '/api/v1/keys', { body }),
    revokeKey: (id: Id<Paths['/api/v1/keys/{id}']['delete']>) =>
      call<Answer<Paths['/api/v1/keys/{id}']['delete'], 200>>('revokeKey', 'DELETE', `/api/v1/keys/${id}`),

    createAccount: (body: RequestBody<Paths['/admin/v1/accounts']['post']>) =>
      call<Answer<Paths['/admin/v1/accounts']['post'], 201>>('createAccount', 'POST', '/admin/v1/accounts', {
        body,
      }),
    getAccount: (id: string) =>
      call<Answer<Paths['/admin/v1/accounts/{id}']['get'], 200>>(
        'getAccount',
        'GET',
        `/admin/v1/accounts/${id}`,
      ),
    updateAccount: (id: string, body: RequestBody<Paths['/admin/v1/accounts/{id}']['patch']>) =>
      call<Answer<Paths['/admin/v1/accounts/{id}']['patch'], 200>>(
        'updateAccount',
        'PATCH',
        `/admin/v1/accounts/${id}`,
        { body },
      ),
    addCredit: (id: string, body: RequestBody<Paths['/admin/v1/accounts/{id}/credits']['post']>) =>
      call<Answer<Paths['/admin/v1/accounts/{id}/credits']['post'], 201>>(
        'addCredit',
        'POST',
        `/admin/v1/accounts/${id}/credits`,
        { body },
      ),
    cancelVideo: (id: string) =>
      call<Answer<Paths['/admin/v1/videos/{id}/cancel']['post'], 200>>(
        'cancelVideo',
        'POST',
        `/admin/v1/videos/${id}/cancel`,
      ),
    getSourceHealth: () =>
      call<Answer<Paths['/admin/v1/health/sources']['get'], 200>>(
        'getSourceHealth',
        'GET',
        '/admin/v1/health/sources',
      ),
  };
}

/** Every operation once, the way a client would use them; returns what each answered. */
export async function tour(send: Transport, adminToken: string) {
  const operator = contentstatsClient(send, { adminToken });
  const ready: Schemas['Readiness'] = await operator.getReadiness();
  const alive: Schemas['Liveness'] = await operator.getLiveness();
  const metrics: string = await operator.getMetrics();
  const document = await operator.getOpenApiDocument();

  const created: Schemas['NewAccount'] = await operator.createAccount({
    email: `client-${alive.status}-${ready.status}@example.com`,
    credit_usd: 10,
  });
  const accountId = created.account.id;
  const user = contentstatsClient(send, { apiKey: created.test_api_key });

  const tracked: Schemas['TrackedVideo'] = await user.trackVideo(
    { video_link: 'https://youtu.be/dQw4w9WgXcQ', duration_days: 1 },
    'client-example-1',
  );
  const status: Schemas['VideoStatus'] = tracked.status;
  const page: Schemas['VideoList'] = await user.listVideos({ status, platform: 'youtube', limit: '10' });
  const detail: Schemas['VideoDetail'] = await user.getVideo(page.videos[0]?.id ?? tracked.id);
  const views: (string | null)[] = detail.snapshots.map((snapshot: Schemas['Snapshot']) => snapshot.views);
  const snapshots: Schemas['SnapshotPage'] = await user.listSnapshots(tracked.id, { limit: '100' });
  const growth = snapshots.snapshots.map((snapshot) => snapshot.views_delta);
  const paused: Schemas['StatusChange'] = await user.pauseVideo(tracked.id);
  await user.resumeVideo(tracked.id);
  const stopped = await user.stopVideo(tracked.id);
  const usage: Schemas['Usage'] = await user.getUsage();
  const mode: Schemas['Mode'] = usage.mode;

  const keys: Schemas['ApiKey'][] = (await user.listKeys()).keys;
  const newKey: Schemas['NewApiKey'] = await user.createKey({ mode, name: 'ci' });
  const revoked: Schemas['RevokedKey'] = await user.revokeKey(newKey.id);

  const account: Schemas['AccountDetail'] = await operator.getAccount(accountId);
  await operator.addCredit(accountId, { amount_usd: 5, note: 'top-up' });
  const updated: Schemas['Account'] = (await operator.updateAccount(accountId, { plan: 'pro' })).account;
  const second = await user.trackVideo({ video_link: 'https://youtu.be/9bZkp7q19f0', duration_days: 2 });
  const cancelled: Schemas['CancelledVideo'] = await operator.cancelVideo(second.id);
  const health: Schemas['SourceHealthList'] = await operator.getSourceHealth();
  const degraded = health.sources.filter((source) => source.state === 'degraded').map((s) => s.source);

  return {
    calls: [...operator.calls, ...user.calls],
    seen: {
      openapi: document.openapi,
      metrics: metrics.length > 0,
      views,
      growth,
      paused: paused.new_status,
      stopped: stopped.new_status,
      keys: keys.length,
      revoked: revoked.revoked,
      plan: updated.plan,
      charges: account.ledger.charges,
      cancelled: cancelled.new_status,
      degraded,
    },
  };
}
