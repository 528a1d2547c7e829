import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

const LINK = 'https://www.tiktok.com/@someone/video/7301234567890123456';

describe.each(DIALECTS)('bad tags and metadata (%s)', (dialect) => {
  let api: TestApi;
  let keys: { id: string; liveKey: string; testKey: string };
  let videoId: string;

  beforeAll(async () => {
    api = await createTestApi(dialect);
    keys = await api.createAccount({ creditUsd: 10 });
    const tracked = await api.call('POST', '/api/v1/videos/track', {
      key: keys.testKey,
      body: { video_link: LINK, duration_days: 1 },
    });
    videoId = tracked.json().id;
  });
  afterAll(() => api.close());

  const manyKeys = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['too many tags', { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags'],
    ['an empty tag', { tags: ['ok', '   '] }, 'tags[1]'],
    ['a tag over 64 characters', { tags: ['x'.repeat(65)] }, 'tags[0]'],
    ['a tag with a control character', { tags: ['a\u0007b'] }, 'tags[0]'],
    ['a tag with NUL', { tags: ['a\u0000b'] }, 'tags[0]'],
    ['a tag with a lone surrogate', { tags: ['a\uD800b'] }, 'tags[0]'],
    ['a tag that is not a string', { tags: [5] }, 'tags[0]'],
    ['tags that are not an array', { tags: 'solo' }, 'tags'],
    ['metadata that is an array', { metadata: ['a'] }, 'metadata'],
    ['metadata that is null', { metadata: null }, 'metadata'],
    ['too many metadata keys', { metadata: manyKeys }, 'metadata'],
    [
      'a metadata key over 40 characters',
      { metadata: { ['k'.repeat(41)]: 'v' } },
      `metadata.${'k'.repeat(41)}`,
    ],
    ['an empty metadata key', { metadata: { '': 'v' } }, 'metadata.'],
    ['a metadata key with a control character', { metadata: { 'a\nb': 'v' } }, 'metadata.a\nb'],
    ['a metadata value over 500 characters', { metadata: { k: 'v'.repeat(501) } }, 'metadata.k'],
    ['a metadata value with NUL', { metadata: { k: 'a\u0000' } }, 'metadata.k'],
    ['a number as a metadata value', { metadata: { k: 5 } }, 'metadata.k'],
    ['a nested object as a metadata value', { metadata: { k: { deep: 'x' } } }, 'metadata.k'],
    ['null as a metadata value', { metadata: { k: null } }, 'metadata.k'],
  ];

  it.each(cases)('track refuses %s with a 400 naming the field', async (_name, extra, field) => {
    const response = await api.call('POST', '/api/v1/videos/track', {
      key: keys.testKey,
      body: { video_link: LINK, duration_days: 1, ...extra },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toContainEqual(expect.objectContaining({ field }));
  });

  it.each(cases)('PATCH refuses %s with a 400 naming the field', async (_name, extra, field) => {
    const response = await api.call('PATCH', `/api/v1/videos/${videoId}`, { key: keys.testKey, body: extra });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toContainEqual(expect.objectContaining({ field }));
  });

  it('PATCH with neither tags nor metadata is a 400', async () => {
    const response = await api.call('PATCH', `/api/v1/videos/${videoId}`, { key: keys.testKey, body: {} });
    expect(response.statusCode).toBe(400);
  });

  it('a refused PATCH changes nothing', async () => {
    await api.call('PATCH', `/api/v1/videos/${videoId}`, {
      key: keys.testKey,
      body: { tags: ['kept'], metadata: { k: 5 } },
    });
    const video = (await api.call('GET', `/api/v1/videos/${videoId}`, { key: keys.testKey })).json();
    expect(video.tags).toEqual([]);
  });

  it('the list refuses bad tag filters with a 400 naming tag', async () => {
    for (const query of [
      `tag=${'x'.repeat(65)}`,
      'tag=%20%20',
      'tag=a%07b',
      Array.from({ length: 11 }, (_, i) => `tag=t${i}`).join('&'),
    ]) {
      const response = await api.call('GET', `/api/v1/videos?${query}`, { key: keys.testKey });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().details[0].field).toMatch(/^tag/);
    }
  });
});
