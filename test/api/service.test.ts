import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.ts';

describe('service endpoints', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('sqlite');
  });
  afterAll(() => api.close());

  it('/livez answers while the process runs', async () => {
    expect((await api.call('GET', '/livez')).json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 503 while starting or shutting down, 200 when ready', async () => {
    api.parts.context.readiness.ready = false;
    expect((await api.call('GET', '/readyz')).statusCode).toBe(503);
    api.parts.context.readiness.ready = true;
    expect((await api.call('GET', '/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('/metrics speaks Prometheus and counts requests and monitored videos', async () => {
    const account = await api.createAccount();
    await api.call('POST', '/api/v1/videos/track', {
      key: account.testKey,
      body: { video_link: 'https://youtu.be/dQw4w9WgXcQ', duration_days: 1 },
    });
    const response = await api.call('GET', '/metrics');
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('# TYPE contentstats_http_requests_total counter');
    expect(response.body).toMatch(
      /contentstats_http_requests_total\{route="\/api\/v1\/videos\/track",status="201"\} 1/,
    );
    expect(response.body).toMatch(/contentstats_videos_tracked_total\{mode="test",platform="youtube"\} 1/);
    expect(response.body).toContain('contentstats_videos_monitoring 1');
    expect(response.body).toContain('contentstats_outbox_pending 0');
  });

  it('every answer names its request and is counted by route and status: refused and unmatched ones too', async () => {
    const account = await api.createAccount();
    const answers = [
      await api.call('GET', '/api/v1/usage', { key: account.testKey }),
      await api.call('GET', '/api/v1/usage', { key: account.testKey }),
      await api.call('GET', '/api/v1/usage'),
      await api.call('GET', '/no/such/route'),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 401, 404]);
    const ids = answers.map((answer) => answer.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(/^req_/);
    expect(new Set(ids).size).toBe(ids.length);
    const metrics = (await api.call('GET', '/metrics')).body;
    expect(metrics).toMatch(/contentstats_http_requests_total\{route="\/api\/v1\/usage",status="200"\} 2\n/);
    expect(metrics).toMatch(/contentstats_http_requests_total\{route="\/api\/v1\/usage",status="401"\} 1\n/);
    expect(metrics).toMatch(/contentstats_http_requests_total\{route="unmatched",status="404"\} 1\n/);
  });

  it('/openapi.json documents every endpoint of the contract', async () => {
    const doc = (await api.call('GET', '/openapi.json')).json();
    expect(doc.openapi).toBe('3.0.3');
    for (const path of [
      '/api/v1/videos/track',
      '/api/v1/videos',
      '/api/v1/videos/{id}',
      '/api/v1/videos/{id}/stop',
      '/api/v1/usage',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(
      doc.paths['/api/v1/videos/track'].post.requestBody.content['application/json'].schema.properties
        .duration_days,
    ).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 30,
    });
  });

  it('/docs serves the interactive documentation', async () => {
    // The address the README gives, as typed: with or without the slash.
    for (const url of ['/docs', '/docs/']) {
      const response = await api.call('GET', url);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('swagger');
    }
  });

  it('an unknown route is a JSON 404', async () => {
    const response = await api.call('GET', '/nope');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'Not found' });
  });
});
