import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoSchema } from '../../src/api/contract/components.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { DIALECTS } from '../support/stores.ts';

const tiktok = (n: number) =>
  `https://www.tiktok.com/@someone/video/73012345678901${String(n).padStart(5, '0')}`;

describe.each(DIALECTS)('tags and metadata on videos (%s)', (dialect) => {
  let api: TestApi;
  let keys: { id: string; liveKey: string; testKey: string };

  beforeAll(async () => {
    api = await createTestApi(dialect);
    keys = await api.createAccount({ creditUsd: 10 });
  });
  afterAll(() => api.close());

  const track = async (n: number, extra: Record<string, unknown> = {}, key = keys.testKey) => {
    api.clock.advance(1000);
    const response = await api.call('POST', '/api/v1/videos/track', {
      key,
      body: { video_link: tiktok(n), duration_days: 1, ...extra },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  const list = async (query: string, key = keys.testKey) => {
    const response = await api.call('GET', `/api/v1/videos?${query}`, { key });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { videos: Array<{ id: string; tags: string[] }>; has_more: boolean };
  };

  it('keeps tags as first given (trimmed, case-insensitive duplicates dropped) and metadata on every video object', async () => {
    const created = await track(1, {
      tags: ['  Spring Launch ', 'creator:alex', 'spring launch', 'SPRING LAUNCH'],
      metadata: { client: 'Acme', brief: 'spring-24', note: '' },
    });
    expect(created.tags).toEqual(['Spring Launch', 'creator:alex']);
    expect(created.metadata).toEqual({ client: 'Acme', brief: 'spring-24', note: '' });

    const got = (await api.call('GET', `/api/v1/videos/${created.id}`, { key: keys.testKey })).json();
    expect(got.tags).toEqual(['Spring Launch', 'creator:alex']);
    expect(got.metadata).toEqual(created.metadata);

    const listed = (await list('limit=1')).videos[0]!;
    expect(videoSchema.parse(listed).tags).toEqual(['Spring Launch', 'creator:alex']);

    const stopped = await api.call('POST', `/api/v1/videos/${created.id}/stop`, { key: keys.testKey });
    expect(stopped.json().video).toMatchObject({
      tags: ['Spring Launch', 'creator:alex'],
      metadata: created.metadata,
    });
  });

  it('shows no tags and empty metadata on a video tracked without them', async () => {
    const created = await track(2);
    expect(created.tags).toEqual([]);
    expect(created.metadata).toEqual({});
  });

  it('filters the list by tag, case-insensitively, all tags required, with cursor paging kept', async () => {
    const ids: string[] = [];
    for (let n = 10; n < 15; n++) {
      const video = await track(n, { tags: n % 2 === 0 ? ['Filter-A', 'Filter-B'] : ['filter-a'] });
      ids.push(video.id);
    }
    const newestFirst = [...ids].reverse();
    const all = await list('tag=FILTER-A&limit=100');
    expect(all.videos.map((v) => v.id)).toEqual(newestFirst);

    const both = await list('tag=filter-a&tag=filter-b');
    expect(both.videos.map((v) => v.id)).toEqual([ids[4], ids[2], ids[0]]);

    // Paged two by two through the tag filter.
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const page = await list(`tag=filter-a&limit=2${cursor}`);
      seen.push(...page.videos.map((v) => v.id));
      if (!page.has_more) break;
      cursor = `&starting_after=${page.videos.at(-1)!.id}`;
    }
    expect(seen).toEqual(newestFirst);

    expect((await list('tag=filter-a&status=monitoring&platform=youtube')).videos).toEqual([]);
    expect((await list('tag=no-such-tag')).videos).toEqual([]);
  });

  it("never shows another account's tagged videos, nor the other mode's", async () => {
    const other = await api.createAccount({ creditUsd: 10 });
    await track(20, { tags: ['Shared Name'] }, other.testKey);
    const mine = await track(21, { tags: ['shared name'] });
    expect((await list('tag=shared%20name')).videos.map((v) => v.id)).toEqual([mine.id]);
    expect((await list('tag=shared%20name', keys.liveKey)).videos).toEqual([]);
  });

  it('PATCH replaces tags and/or metadata, and the filter follows', async () => {
    const video = await track(30, { tags: ['old'], metadata: { a: '1' } });
    const patch = (body: unknown) =>
      api.call('PATCH', `/api/v1/videos/${video.id}`, { key: keys.testKey, body });

    const retagged = await patch({ tags: ['New', 'new', 'Other'] });
    expect(retagged.statusCode).toBe(200);
    expect(retagged.json()).toMatchObject({ id: video.id, tags: ['New', 'Other'], metadata: { a: '1' } });
    expect((await list('tag=old')).videos).toEqual([]);
    expect((await list('tag=new')).videos.map((v) => v.id)).toEqual([video.id]);

    const remeta = await patch({ metadata: { b: '2' } });
    expect(remeta.json()).toMatchObject({ tags: ['New', 'Other'], metadata: { b: '2' } });

    const cleared = await patch({ tags: [], metadata: {} });
    expect(cleared.json()).toMatchObject({ tags: [], metadata: {} });
    expect((await list('tag=new')).videos).toEqual([]);

    const got = (await api.call('GET', `/api/v1/videos/${video.id}`, { key: keys.testKey })).json();
    expect(got).toMatchObject({ tags: [], metadata: {} });
  });

  it("PATCH on an unknown id, another account's video or the other mode's answers 404", async () => {
    const video = await track(31);
    const other = await api.createAccount();
    for (const [id, key] of [
      ['vid_doesnotexist', keys.testKey],
      [video.id, other.testKey],
      [video.id, keys.liveKey],
    ] as const) {
      const response = await api.call('PATCH', `/api/v1/videos/${id}`, { key, body: { tags: ['x'] } });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'Video not found' });
    }
    const unchanged = (await api.call('GET', `/api/v1/videos/${video.id}`, { key: keys.testKey })).json();
    expect(unchanged.tags).toEqual([]);
  });

  it('Idempotency-Key covers tags and metadata', async () => {
    const send = (body: Record<string, unknown>) =>
      api.call('POST', '/api/v1/videos/track', {
        key: keys.testKey,
        headers: { 'idempotency-key': `tags-${dialect}` },
        body: { video_link: tiktok(40), duration_days: 1, ...body },
      });
    const first = await send({ tags: ['a'], metadata: { k: 'v' } });
    expect(first.statusCode).toBe(201);
    const replay = await send({ tags: ['a'], metadata: { k: 'v' } });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    expect((await send({ tags: ['b'], metadata: { k: 'v' } })).statusCode).toBe(422);
    expect((await send({ tags: ['a'], metadata: { k: 'w' } })).statusCode).toBe(422);
    expect((await send({})).statusCode).toBe(422);
  });
});
