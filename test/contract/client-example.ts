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
      query?: Record<string, string | string[] | undefined>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<T> {
    // A repeated parameter (tag=a&tag=b) is given as an array.
    const query = Object.entries(options.query ?? {})
      .flatMap(([name, value]) => (value === undefined ? [] : [value].flat().map((one) => [name, one])))
      .map(([name, value]) => `${encodeURIComponent(name!)}=${encodeURIComponent(value!)}`)
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
    trackVideoBatch: (
      body: RequestBody<Paths['/api/v1/videos/track/batch']['post']>,
      idempotencyKey?: string,
    ) =>
      call<Answer<Paths['/api/v1/videos/track/batch']['post'], 200>>(
        'trackVideoBatch',
        'POST',
        '/api/v1/videos/track/batch',
        { body, ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}) },
      ),
    listVideos: (query: Query<Paths['/api/v1/videos']['get']> = {}) =>
      call<Answer<Paths['/api/v1/videos']['get'], 200>>('listVideos', 'GET', '/api/v1/videos', { query }),
    getVideo: (id: Id<Paths['/api/v1/videos/{id}']['get']>) =>
      call<Answer<Paths['/api/v1/videos/{id}']['get'], 200>>('getVideo', 'GET', video(id)),
    updateVideo: (id: string, body: RequestBody<Paths['/api/v1/videos/{id}']['patch']>) =>
      call<Answer<Paths['/api/v1/videos/{id}']['patch'], 200>>('updateVideo', 'PATCH', video(id), { body }),
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
    exportSnapshots: (query: Query<Paths['/api/v1/exports/snapshots']['get']> = {}) =>
      call<string>('exportSnapshots', 'GET', '/api/v1/exports/snapshots', { query }),
    exportVideos: (query: Query<Paths['/api/v1/exports/videos']['get']> = {}) =>
      call<string>('exportVideos', 'GET', '/api/v1/exports/videos', { query }),
    listTags: () => call<Answer<Paths['/api/v1/tags']['get'], 200>>('listTags', 'GET', '/api/v1/tags'),
    getTagSummary: (tag: string) =>
      call<Answer<Paths['/api/v1/tags/{tag}/summary']['get'], 200>>(
        'getTagSummary',
        'GET',
        `/api/v1/tags/${encodeURIComponent(tag)}/summary`,
      ),
    createShareLink: (body: RequestBody<Paths['/api/v1/share-links']['post']>) =>
      call<Answer<Paths['/api/v1/share-links']['post'], 201>>(
        'createShareLink',
        'POST',
        '/api/v1/share-links',
        {
          body,
        },
      ),
    listShareLinks: () =>
      call<Answer<Paths['/api/v1/share-links']['get'], 200>>('listShareLinks', 'GET', '/api/v1/share-links'),
    revokeShareLink: (id: Id<Paths['/api/v1/share-links/{id}']['delete']>) =>
      call<Answer<Paths['/api/v1/share-links/{id}']['delete'], 200>>(
        'revokeShareLink',
        'DELETE',
        `/api/v1/share-links/${encodeURIComponent(id)}`,
      ),
    // What a share link opens needs no key: a browser, or a spreadsheet's IMPORTDATA.
    getSharedPage: (token: string) => call<string>('getSharedPage', 'GET', `/s/${encodeURIComponent(token)}`),
    getSharedCsv: (token: string, query: Query<Paths['/s/{token}.csv']['get']> = {}) =>
      call<string>('getSharedCsv', 'GET', `/s/${encodeURIComponent(token)}.csv`, { query }),
    getSharedJson: (token: string) =>
      call<Answer<Paths['/s/{token}.json']['get'], 200>>(
        'getSharedJson',
        'GET',
        `/s/${encodeURIComponent(token)}.json`,
      ),
    getUsage: () => call<Answer<Paths['/api/v1/usage']['get'], 200>>('getUsage', 'GET', '/api/v1/usage'),

    listKeys: () => call<Answer<Paths['/api/v1/keys']['get'], 200>>('listKeys', 'GET', '/api/v1/keys'),
    createKey: (body: RequestBody<Paths['/api/v1/keys']['post']>) =>
      call<Answer<Paths['/api/v1/keys']['post'], 201>>('createKey', 'POST', '/api/v1/keys', { body }),
    revokeKey: (id: Id<Paths['/api/v1/keys/{id}']['delete']>) =>
      call<Answer<Paths['/api/v1/keys/{id}']['delete'], 200>>('revokeKey', 'DELETE', `/api/v1/keys/${id}`),

    createWebhook: (body: RequestBody<Paths['/api/v1/webhooks']['post']>) =>
      call<Answer<Paths['/api/v1/webhooks']['post'], 201>>('createWebhook', 'POST', '/api/v1/webhooks', {
        body,
      }),
    listWebhooks: () =>
      call<Answer<Paths['/api/v1/webhooks']['get'], 200>>('listWebhooks', 'GET', '/api/v1/webhooks'),
    getWebhook: (id: string) =>
      call<Answer<Paths['/api/v1/webhooks/{id}']['get'], 200>>('getWebhook', 'GET', `/api/v1/webhooks/${id}`),
    updateWebhook: (id: string, body: RequestBody<Paths['/api/v1/webhooks/{id}']['patch']>) =>
      call<Answer<Paths['/api/v1/webhooks/{id}']['patch'], 200>>(
        'updateWebhook',
        'PATCH',
        `/api/v1/webhooks/${id}`,
        { body },
      ),
    deleteWebhook: (id: string) =>
      call<Answer<Paths['/api/v1/webhooks/{id}']['delete'], 200>>(
        'deleteWebhook',
        'DELETE',
        `/api/v1/webhooks/${id}`,
      ),
    rotateWebhookSecret: (id: string) =>
      call<Answer<Paths['/api/v1/webhooks/{id}/rotate-secret']['post'], 200>>(
        'rotateWebhookSecret',
        'POST',
        `/api/v1/webhooks/${id}/rotate-secret`,
      ),
    testWebhook: (id: string) =>
      call<Answer<Paths['/api/v1/webhooks/{id}/test']['post'], 202>>(
        'testWebhook',
        'POST',
        `/api/v1/webhooks/${id}/test`,
      ),
    listWebhookDeliveries: (
      id: string,
      query: Query<Paths['/api/v1/webhooks/{id}/deliveries']['get']> = {},
    ) =>
      call<Answer<Paths['/api/v1/webhooks/{id}/deliveries']['get'], 200>>(
        'listWebhookDeliveries',
        'GET',
        `/api/v1/webhooks/${id}/deliveries`,
        { query },
      ),
    redeliverWebhook: (id: string, deliveryId: string) =>
      call<Answer<Paths['/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver']['post'], 202>>(
        'redeliverWebhook',
        'POST',
        `/api/v1/webhooks/${id}/deliveries/${deliveryId}/redeliver`,
      ),

    getBalanceAlert: () =>
      call<Answer<Paths['/api/v1/alerts/balance-low']['get'], 200>>(
        'getBalanceAlert',
        'GET',
        '/api/v1/alerts/balance-low',
      ),
    updateBalanceAlert: (body: RequestBody<Paths['/api/v1/alerts/balance-low']['patch']>) =>
      call<Answer<Paths['/api/v1/alerts/balance-low']['patch'], 200>>(
        'updateBalanceAlert',
        'PATCH',
        '/api/v1/alerts/balance-low',
        { body },
      ),

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
    {
      video_link: 'https://youtu.be/dQw4w9WgXcQ',
      duration_days: 1,
      tags: ['Spring Launch'],
      metadata: { client: 'Acme' },
    },
    'client-example-1',
  );
  const status: Schemas['VideoStatus'] = tracked.status;
  const page: Schemas['VideoList'] = await user.listVideos({
    status,
    platform: 'youtube',
    limit: '10',
    tag: ['spring launch'],
  });
  const labelled: Schemas['Video'] = await user.updateVideo(tracked.id, {
    tags: ['Spring Launch', 'Week 1'],
  });
  const tags: string[] = labelled.tags;
  const batch: Schemas['BatchResult'] = await user.trackVideoBatch(
    {
      videos: [
        { video_link: 'https://www.tiktok.com/@someone/video/7301234567890123456', duration_days: 1 },
        { video_link: 'https://youtu.be/abcdefg4040', duration_days: 1 },
      ],
      tags: ['Spring Launch'],
    },
    'client-example-batch',
  );
  const batchStatuses: number[] = batch.results.map((result: Schemas['BatchItemResult']) => result.status);
  const campaigns: Schemas['TagCount'][] = (await user.listTags()).tags;
  const campaign: Schemas['TagSummary'] = await user.getTagSummary(campaigns[0]?.tag ?? 'Spring Launch');
  const campaignViews: string | null = campaign.totals.views;
  const detail: Schemas['VideoDetail'] = await user.getVideo(page.videos[0]?.id ?? tracked.id);
  const views: (string | null)[] = detail.snapshots.map((snapshot: Schemas['Snapshot']) => snapshot.views);
  const snapshots: Schemas['SnapshotPage'] = await user.listSnapshots(tracked.id, { limit: '100' });
  const growth = snapshots.snapshots.map((snapshot) => snapshot.views_delta);
  // Exports are files (CSV here, JSON Lines one object per line), not JSON documents.
  const exportedCsv: string = await user.exportSnapshots({ platform: 'youtube', format: 'csv' });
  const exportedVideos = (await user.exportVideos({ format: 'jsonl', status }))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { video_id: string });
  const shared: Schemas['NewShareLink'] = await user.createShareLink({ tag: 'Spring Launch' });
  const anyone = contentstatsClient(send, {});
  const sharedPage: string = await anyone.getSharedPage(shared.token);
  const sharedCsv: string = await anyone.getSharedCsv(shared.token, { rows: 'videos' });
  const sharedRows: Record<string, unknown>[] = await anyone.getSharedJson(shared.token);
  const shareLinks: Schemas['ShareLink'][] = (await user.listShareLinks()).share_links;
  const revokedLink: Schemas['RevokedShareLink'] = await user.revokeShareLink(shared.id);
  const paused: Schemas['StatusChange'] = await user.pauseVideo(tracked.id);
  await user.resumeVideo(tracked.id);
  const stopped = await user.stopVideo(tracked.id);
  const usage: Schemas['Usage'] = await user.getUsage();
  const mode: Schemas['Mode'] = usage.mode;

  const keys: Schemas['ApiKey'][] = (await user.listKeys()).keys;
  const newKey: Schemas['NewApiKey'] = await user.createKey({ mode, name: 'ci' });
  const revoked: Schemas['RevokedKey'] = await user.revokeKey(newKey.id);

  const hook: Schemas['NewWebhookEndpoint'] = await user.createWebhook({
    url: 'https://hooks.example.com/contentstats',
    events: ['snapshot.created', 'tracking.completed'],
    description: 'ci',
  });
  const hooks: Schemas['WebhookEndpoint'][] = (await user.listWebhooks()).webhooks;
  await user.getWebhook(hook.id);
  const changed: Schemas['WebhookEndpoint'] = await user.updateWebhook(hook.id, { events: ['balance.low'] });
  const rotated: Schemas['RotatedWebhookSecret'] = await user.rotateWebhookSecret(hook.id);
  const test: Schemas['WebhookTestSent'] = await user.testWebhook(hook.id);
  const deliveries: Schemas['WebhookDeliveryPage'] = await user.listWebhookDeliveries(hook.id, {
    limit: '10',
  });
  const again: Schemas['WebhookDelivery'] = await user.redeliverWebhook(hook.id, test.delivery_id);
  const deletedHook: Schemas['DeletedWebhook'] = await user.deleteWebhook(hook.id);
  // The balance alert is about live money: a live key sets it.
  const liveUser = contentstatsClient(send, { apiKey: created.api_key });
  const alert: Schemas['BalanceAlert'] = await liveUser.updateBalanceAlert({ threshold_usd: 2.5 });
  const alertRead: Schemas['BalanceAlert'] = await liveUser.getBalanceAlert();

  const account: Schemas['AccountDetail'] = await operator.getAccount(accountId);
  await operator.addCredit(accountId, { amount_usd: 5, note: 'top-up' });
  const updated: Schemas['Account'] = (await operator.updateAccount(accountId, { plan: 'pro' })).account;
  const second = await user.trackVideo({ video_link: 'https://youtu.be/9bZkp7q19f0', duration_days: 2 });
  const cancelled: Schemas['CancelledVideo'] = await operator.cancelVideo(second.id);
  const health: Schemas['SourceHealthList'] = await operator.getSourceHealth();
  const degraded = health.sources.filter((source) => source.state === 'degraded').map((s) => s.source);

  return {
    calls: [...operator.calls, ...user.calls, ...anyone.calls, ...liveUser.calls],
    seen: {
      openapi: document.openapi,
      metrics: metrics.length > 0,
      views,
      growth,
      exportedSnapshotLines: exportedCsv.trim().split('\n').length,
      exportedVideos: exportedVideos.map((row) => row.video_id),
      sharedPage: sharedPage.startsWith('<!doctype html>'),
      sharedCsvLines: sharedCsv.trim().split('\n').length,
      sharedRows: sharedRows.length,
      shareLinks: shareLinks.map((link) => link.status),
      revokedLink: revokedLink.revoked,
      paused: paused.new_status,
      stopped: stopped.new_status,
      keys: keys.length,
      revoked: revoked.revoked,
      plan: updated.plan,
      charges: account.ledger.charges,
      cancelled: cancelled.new_status,
      tags,
      campaignVideos: campaign.videos,
      batchStatuses,
      campaignViews,
      webhooks: {
        secret: hook.secret.startsWith('whsec_') && rotated.secret !== hook.secret,
        listed: hooks.length,
        events: changed.events,
        deliveries: deliveries.deliveries.map((d) => d.event_type),
        redelivered: again.event_id === deliveries.deliveries[0]?.event_id,
        deleted: deletedHook.deleted,
        alert: [alert.threshold_usd, alertRead.armed],
      },
      degraded,
    },
  };
}
