// Compressed answers: a JSON answer worth compressing goes as brotli or gzip to a client that accepts one, as it
// is to one that does not; small answers, HEAD, refused encodings and streamed exports go as they are.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_COMPRESSED_ANSWER_BYTES } from '../../src/api/compression.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

describe.each(DIALECTS)('compressed answers (%s)', (dialect) => {
  let api: TestApi;
  let key: string;
  let videoId: string;
  /** The video list as JSON text, uncompressed. */
  let listText: string;

  beforeAll(async () => {
    api = await createTestApi(dialect);
    ({ testKey: key } = await api.createAccount());
    for (let i = 0; i < 4; i++) {
      const tracked = await api.call('POST', '/api/v1/videos/track', {
        key,
        body: { video_link: `https://www.tiktok.com/@c/video/73012345678901234${10 + i}`, duration_days: 3 },
      });
      expect(tracked.statusCode, tracked.body).toBe(201);
      videoId = tracked.json().id;
    }
    const plain = await api.call('GET', '/api/v1/videos', { key });
    listText = plain.body;
    expect(Buffer.byteLength(listText)).toBeGreaterThan(MIN_COMPRESSED_ANSWER_BYTES);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });
  afterAll(() => api.close());

  const list = (acceptEncoding: string, method: 'GET' | 'HEAD' = 'GET') =>
    api.app.inject({
      method,
      url: '/api/v1/videos',
      headers: { 'x-api-key': key, 'accept-encoding': acceptEncoding },
    });

  it('sends brotli when accepted, else gzip: the same JSON, smaller, with Vary', async () => {
    const br = await list('gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('accept-encoding');
    expect(br.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(br.headers['content-length'])).toBe(br.rawPayload.length);
    expect(br.rawPayload.length).toBeLessThan(Buffer.byteLength(listText) / 2);
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8'))).toEqual(JSON.parse(listText));

    const gz = await list('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(Number(gz.headers['content-length'])).toBe(gz.rawPayload.length);
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString('utf8'))).toEqual(JSON.parse(listText));
    // `*` stands for any encoding: gzip.
    expect((await list('*')).headers['content-encoding']).toBe('gzip');
  });

  it('sends the answer as it is when no encoding it makes is accepted, and to HEAD', async () => {
    for (const refused of [
      'identity',
      'deflate',
      'br;q=0, gzip;q=0',
      'zstd',
      'gzip;q=0, *',
      'br;q=0, gzip;q=0, *',
    ]) {
      const answer = await list(refused);
      expect(answer.headers['content-encoding'], refused).toBeUndefined();
      expect(answer.body, refused).toBe(listText);
    }
    const head = await list('gzip, br', 'HEAD');
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-encoding']).toBeUndefined();
  });

  it('leaves small answers alone: usage, a 404, a track', async () => {
    const usage = await api.call('GET', '/api/v1/usage', { key, headers: { 'accept-encoding': 'br, gzip' } });
    expect(usage.statusCode).toBe(200);
    expect(usage.headers['content-encoding']).toBeUndefined();
    const missing = await api.call('GET', '/api/v1/videos/vid_00000000000000000000000000', {
      key,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-encoding']).toBeUndefined();
    expect(missing.json()).toEqual({ error: 'Video not found' });
  });

  it('streams an export as it is', async () => {
    const csv = await api.call('GET', '/api/v1/exports/snapshots?format=csv', {
      key,
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-encoding']).toBeUndefined();
    expect(csv.body.split('\n')[0]).toMatch(/^video_id,/);
  });

  it('over real HTTP: a client that decodes gets the JSON; the bytes on the wire are gzip', async () => {
    // Listening until api.close() closes the app.
    const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
    {
      const viaFetch = await fetch(`${address}/api/v1/videos/${videoId}`, { headers: { 'x-api-key': key } });
      expect(viaFetch.status).toBe(200);
      expect((await viaFetch.json()).id).toBe(videoId);

      const raw = await request(`${address}/api/v1/videos`, {
        headers: { 'x-api-key': key, 'accept-encoding': 'gzip' },
      });
      expect(raw.statusCode).toBe(200);
      expect(raw.headers['content-encoding']).toBe('gzip');
      const bytes = Buffer.from(await raw.body.arrayBuffer());
      expect(JSON.parse(gunzipSync(bytes).toString('utf8')).videos.length).toBe(4);
    }
  });
});
