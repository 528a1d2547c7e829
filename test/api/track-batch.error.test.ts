// POST /videos/track/batch refuses a malformed batch whole, naming each bad field with its item's index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

const good = (n: number) => ({
  video_link: `https://www.tiktok.com/@u/video/73012345678901${String(n).padStart(5, '0')}`,
  duration_days: 1,
});

describe.each(DIALECTS)('a malformed batch (%s)', (dialect) => {
  let api: TestApi;
  let key: string;

  beforeAll(async () => {
    api = await createTestApi(dialect);
    key = (await api.createAccount({ creditUsd: 10 })).testKey;
  });
  afterAll(() => api.close());

  const batch = (body: unknown) => api.call('POST', '/api/v1/videos/track/batch', { key, body });
  const fields = async (body: unknown) => {
    const response = await batch(body);
    expect(response.statusCode, response.body).toBe(400);
    return (response.json().details as { field: string }[]).map((d) => d.field);
  };

  it.each([
    ['no items', { videos: [] }, ['videos']],
    ['101 items', { videos: Array.from({ length: 101 }, (_, i) => good(i)) }, ['videos']],
    ['no videos field', {}, ['videos']],
    ['videos that is not an array', { videos: 'x' }, ['videos']],
    [
      'a bad link and a bad duration among good items',
      {
        videos: [
          good(1),
          good(2),
          good(3),
          { video_link: 'https://example.com/v/1', duration_days: 1 },
          { ...good(5), duration_days: 31 },
        ],
      },
      ['videos[3].video_link', 'videos[4].duration_days'],
    ],
    ['an item that is not an object', { videos: [good(1), 'https://youtu.be/dQw4w9WgXcQ'] }, ['videos[1]']],
    ['bad item tags', { videos: [good(1), { ...good(2), tags: ['a\u0000'] }] }, ['videos[1].tags[0]']],
    [
      'bad item metadata',
      { videos: [{ ...good(1), metadata: { k: { nested: 'x' } } }] },
      ['videos[0].metadata.k'],
    ],
    ['bad batch tags', { videos: [good(1)], tags: ['x'.repeat(65)] }, ['tags[0]']],
    [
      "an item's tags and the batch's together over 10",
      {
        videos: [good(1), { ...good(2), tags: ['a', 'b', 'c', 'd', 'e', 'f'] }],
        tags: ['g', 'h', 'i', 'j', 'A', 'k'],
      },
      ['videos[1].tags'],
    ],
  ])('%s is a 400 naming the field, and nothing is tracked', async (_name, body, expected) => {
    expect(await fields(body)).toEqual(expected);
    const listed = (await api.call('GET', '/api/v1/videos', { key })).json();
    expect(listed.videos).toEqual([]);
  });

  it('a body over 2 MiB is a 413', async () => {
    const response = await batch({
      videos: Array.from({ length: 100 }, (_, i) => ({
        ...good(i),
        metadata: Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`key${k}`, 'v'.repeat(500)])),
        padding: 'x'.repeat(12_000),
      })),
    });
    expect(response.statusCode).toBe(413);
  });

  it('100 items of full metadata fit', async () => {
    const response = await batch({
      videos: Array.from({ length: 100 }, (_, i) => ({
        ...good(i),
        metadata: Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`key${k}`, 'v'.repeat(500)])),
      })),
    });
    expect(response.statusCode).toBe(200);
    const statuses = response.json().results.map((r: { status: number }) => r.status);
    expect(statuses.filter((s: number) => s === 201).length, JSON.stringify(statuses)).toBe(10); // the free plan's 10 at once
  });
});
