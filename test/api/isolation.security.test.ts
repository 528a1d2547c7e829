import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

describe.each(DIALECTS)('one account never sees or changes another account’s data (%s)', (dialect) => {
  let api: TestApi;
  let alice: { id: string; liveKey: string; testKey: string };
  let bob: { id: string; liveKey: string; testKey: string };
  let aliceVideo: string;

  beforeAll(async () => {
    api = await createTestApi(dialect);
    alice = await api.createAccount({ creditUsd: 5 });
    bob = await api.createAccount({ creditUsd: 5 });
    const tracked = await api.call('POST', '/api/v1/videos/track', {
      key: alice.testKey,
      body: { video_link: 'https://youtu.be/dQw4w9WgXcQ', duration_days: 1 },
    });
    aliceVideo = tracked.json().id;
  });
  afterAll(() => api.close());

  const idRoutes = (id: string): Array<['GET' | 'POST', string]> => [
    ['GET', `/api/v1/videos/${id}`],
    ['GET', `/api/v1/videos/${id}/snapshots`],
    ['POST', `/api/v1/videos/${id}/stop`],
    ['POST', `/api/v1/videos/${id}/pause`],
    ['POST', `/api/v1/videos/${id}/resume`],
  ];

  it.each([0, 1, 2, 3, 4])(
    'id route #%i answers 404 to another account, exactly as for an unknown id',
    async (index) => {
      const [method, url] = idRoutes(aliceVideo)[index]!;
      const foreign = await api.call(method, url, { key: bob.testKey });
      const [, unknownUrl] = idRoutes('vid_doesnotexist000000')[index]!;
      const unknown = await api.call(method, unknownUrl, { key: bob.testKey });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json()).toEqual({ error: 'Video not found' });
      expect(unknown.json()).toEqual(foreign.json());
    },
  );

  it.each([0, 1, 2, 3, 4])(
    'id route #%i answers 404 to the same account’s live key (test and live are separate worlds)',
    async (index) => {
      const [method, url] = idRoutes(aliceVideo)[index]!;
      expect((await api.call(method, url, { key: alice.liveKey })).statusCode).toBe(404);
    },
  );

  it('lists never include another account’s videos, nor take its video as a cursor', async () => {
    expect((await api.call('GET', '/api/v1/videos', { key: bob.testKey })).json().videos).toEqual([]);
    const cursor = await api.call('GET', `/api/v1/videos?starting_after=${aliceVideo}`, { key: bob.testKey });
    expect(cursor.statusCode).toBe(400);
  });

  it('another account’s key cannot be revoked and is not listed', async () => {
    const aliceKeys = (await api.call('GET', '/api/v1/keys', { key: alice.liveKey })).json().keys;
    for (const key of aliceKeys) {
      expect((await api.call('DELETE', `/api/v1/keys/${key.id}`, { key: bob.liveKey })).statusCode).toBe(404);
    }
    const bobKeys = (await api.call('GET', '/api/v1/keys', { key: bob.liveKey })).json().keys;
    expect(bobKeys.map((k: { id: string }) => k.id)).not.toContain(aliceKeys[0].id);
  });

  it('after all that, alice’s video is untouched', async () => {
    const video = (await api.call('GET', `/api/v1/videos/${aliceVideo}`, { key: alice.testKey })).json();
    expect(video.status).toBe('monitoring');
  });
});
