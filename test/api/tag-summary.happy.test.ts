// GET /tags and GET /tags/{tag}/summary: the roll-up's numbers checked against the snapshots and the ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tagSummarySchema } from '../../src/api/contract/components.ts';
import { TestClock } from '../../src/clock.ts';
import type { SnapshotRow } from '../../src/store/snapshots.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine, scriptedCollector } from '../support/engine.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2024-01-29T10:00:00.000Z');
const METRICS = ['views', 'likes', 'comments', 'shares', 'saves'] as const;
type Sums = Record<(typeof METRICS)[number], string | null>;

/** What the summary must say, computed the slow way from every snapshot of the videos. */
function expectedSums(seriesByVideo: SnapshotRow[][], now: number) {
  const sum = (pick: (series: SnapshotRow[], metric: (typeof METRICS)[number]) => bigint | null): Sums =>
    Object.fromEntries(
      METRICS.map((metric) => {
        let total: bigint | null = null;
        for (const series of seriesByVideo) {
          const value = pick(series, metric);
          if (value !== null) total = (total ?? 0n) + value;
        }
        return [metric, total === null ? null : total.toString()];
      }),
    ) as Sums;
  const value = (s: SnapshotRow | undefined, metric: (typeof METRICS)[number]) =>
    s?.[metric] === null || s?.[metric] === undefined ? null : BigInt(s[metric]!);
  const growth = (since: number) => (series: SnapshotRow[], metric: (typeof METRICS)[number]) => {
    const latest = value(series.at(-1), metric);
    const base = value(series.filter((s) => s.taken_at <= since).at(-1) ?? series[0], metric);
    return latest === null || base === null ? null : latest - base;
  };
  return {
    totals: sum((series, metric) => value(series.at(-1), metric)),
    growth_24h: sum(growth(now - DAY)),
    growth_7d: sum(growth(now - 7 * DAY)),
  };
}

describe.each(DIALECTS)('campaign roll-ups (%s)', (dialect) => {
  let api: TestApi;
  let clock: TestClock;
  let keys: { id: string; liveKey: string; testKey: string };
  let ids: { a: string; b: string; c: string; untagged: string };
  const scripts = new Map<string, ReturnType<typeof scriptedCollector>>();

  const track = async (link: string, days: number, tags: string[], key = keys.liveKey) => {
    const response = await api.call('POST', '/api/v1/videos/track', {
      key,
      body: { video_link: link, duration_days: days, tags },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as string;
  };
  const summary = (tag: string, key = keys.liveKey) =>
    api.call('GET', `/api/v1/tags/${encodeURIComponent(tag)}/summary`, { key });

  /** Every snapshot of these videos, oldest first, collected only. */
  const seriesOf = async (videoIds: string[]) =>
    Promise.all(
      videoIds.map(async (id) => {
        const detail = (await api.call('GET', `/api/v1/videos/${id}`, { key: keys.liveKey })).json();
        return (detail.snapshots as Array<Record<string, string | null>>).map(
          (s) =>
            ({
              ...s,
              taken_at: Date.parse(s.snapshot_time!),
            }) as unknown as SnapshotRow,
        );
      }),
    );

  const chargedMicroUsd = async (videoIds: string[]) => {
    // The charges the videos' snapshots carry (the invariants hold each equal to what the ledger posted).
    const row = await api.store.db
      .selectFrom('snapshots as s')
      .innerJoin('videos as v', 'v.video_key', 's.video_key')
      .where('v.id', 'in', videoIds)
      .select((eb) => eb.fn.sum<string | number>('s.charged_micro_usd').as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total ?? 0);
  };

  beforeAll(async () => {
    clock = new TestClock(START);
    for (const platform of ['tiktok', 'youtube'] as const)
      scripts.set(platform, scriptedCollector(platform, clock));
    api = await createTestApi(dialect, {
      clock,
      liveCollectors: {
        tiktok: scripts.get('tiktok')!.collector,
        youtube: scripts.get('youtube')!.collector,
      },
    });
    keys = await api.createAccount({ creditUsd: 100 });
    const engine = createTestEngine(api, {
      breaker: { failureThreshold: 1_000, initialCooldownMs: 1, maxCooldownMs: 1 },
    });
    const runHour = async (hour: number) => {
      clock.set(START + hour * HOUR + 1_000);
      // One pass collects the hour's slots; a failing slot is retried until the next is due, then missed.
      await engine.runDue();
    };

    const a = await track('https://www.tiktok.com/@u/video/7301234567890100001', 10, [
      'Spring Launch',
      'creator:alex',
    ]);
    clock.set(START + HOUR / 2);
    const b = await track('https://youtu.be/aaaaaaaaaa1', 10, ['spring launch']);
    const untagged = await track('https://youtu.be/aaaaaaaaaa2', 10, ['Other']);
    let c = '';
    for (let hour = 1; hour <= 8 * 24 + 12; hour++) {
      // A's collections fail for a stretch of hours around the 24 h boundary (recorded as missed).
      if (hour === 7 * 24 + 10)
        scripts.get('tiktok')!.failures.set('7301234567890100001', { kind: 'blocked', message: 'captcha' });
      if (hour === 7 * 24 + 14) scripts.get('tiktok')!.failures.delete('7301234567890100001');
      await runHour(hour);
      if (hour === 3 * 24)
        c = await track('https://www.tiktok.com/@u/video/7301234567890100003', 1, ['SPRING LAUNCH']);
      if (hour === 5 * 24) {
        const stopped = await api.call('POST', `/api/v1/videos/${b}/stop`, { key: keys.liveKey });
        expect(stopped.statusCode).toBe(200);
      }
    }
    ids = { a, b, c, untagged };
    // Another account and the test mode use the same tag: neither shows in this account's live roll-up.
    const other = await api.createAccount({ creditUsd: 10 });
    await track('https://youtu.be/aaaaaaaaaa4', 1, ['Spring Launch'], other.liveKey);
    await track('https://youtu.be/aaaaaaaaaa5', 1, ['Spring Launch'], keys.testKey);
  }, 120_000);
  afterAll(() => api.close());

  it('sums the newest values, the growth over 24 h and 7 d, and the money, as the snapshots and ledger say', async () => {
    const response = await summary('spring LAUNCH');
    expect(response.statusCode, response.body).toBe(200);
    const body = tagSummarySchema.parse(response.json());
    const tagged = [ids.a, ids.b, ids.c];
    const series = await seriesOf(tagged);
    const missedOfA = (await api.call('GET', `/api/v1/videos/${ids.a}`, { key: keys.liveKey })).json()
      .snapshots_missed;
    expect(missedOfA).toBeGreaterThan(0);

    expect(body).toMatchObject({
      tag: 'spring LAUNCH',
      videos: 3,
      by_status: { monitoring: 1, completed: 2, paused: 0, error: 0, cancelled: 0 },
      by_platform: { tiktok: 2, youtube: 1, instagram: 0, twitter: 0 },
      ...expectedSums(series, clock.now()),
      charged_usd: (await chargedMicroUsd(tagged)) / 1e6,
      newest_snapshot_at: new Date(Math.max(...series.map((one) => one.at(-1)!.taken_at))).toISOString(),
      as_of: new Date(clock.now()).toISOString(),
    });
    // YouTube exposes no shares or saves: those sums are TikTok's alone, and never "0" for a missing metric.
    expect(body.totals.views).not.toBeNull();
    expect(BigInt(body.growth_24h.views!)).toBeGreaterThan(0n);
    expect(BigInt(body.growth_7d.views!)).toBeGreaterThan(BigInt(body.growth_24h.views!));
  });

  it('a tag whose videos have no shared metric answers null, and a video tracked just now grows by 0', async () => {
    const fresh = await track('https://youtu.be/aaaaaaaaaa3', 1, ['Fresh']);
    const body = (await summary('fresh')).json();
    expect(body.totals.shares).toBeNull();
    expect(body.growth_24h).toEqual({ views: '0', likes: '0', comments: '0', shares: null, saves: null });
    expect(body.charged_usd).toBe((await chargedMicroUsd([fresh])) / 1e6);
  });

  it('lists the tags with video counts, this account and mode only', async () => {
    const response = await api.call('GET', '/api/v1/tags', { key: keys.liveKey });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      tags: [
        { tag: 'creator:alex', videos: 1 },
        { tag: 'Fresh', videos: 1 },
        { tag: 'Other', videos: 1 },
        { tag: 'SPRING LAUNCH', videos: 3 },
      ],
      has_more: false,
    });
    const testMode = (await api.call('GET', '/api/v1/tags', { key: keys.testKey })).json();
    expect(testMode).toEqual({ tags: [{ tag: 'Spring Launch', videos: 1 }], has_more: false });
  });

  it('pages the tags: limit, has_more, and starting_after a tag in any case', async () => {
    const page = async (query: string) => {
      const response = await api.call('GET', `/api/v1/tags?${query}`, { key: keys.liveKey });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { tags: { tag: string; videos: number }[]; has_more: boolean };
    };
    expect(await page('limit=2')).toEqual({
      tags: [
        { tag: 'creator:alex', videos: 1 },
        { tag: 'Fresh', videos: 1 },
      ],
      has_more: true,
    });
    // The cursor is compared as the tags are (case-insensitively), whatever spelling the client kept.
    expect(await page('limit=2&starting_after=FRESH')).toEqual({
      tags: [
        { tag: 'Other', videos: 1 },
        { tag: 'SPRING LAUNCH', videos: 3 },
      ],
      has_more: false,
    });
    expect(await page('limit=1&starting_after=Other')).toEqual({
      tags: [{ tag: 'SPRING LAUNCH', videos: 3 }],
      has_more: false,
    });
    // A cursor no video carries still orders: the tags after it.
    expect(await page('starting_after=d')).toMatchObject({
      tags: [{ tag: 'Fresh' }, {}, {}],
      has_more: false,
    });
    expect(await page('starting_after=spring%20launch')).toEqual({ tags: [], has_more: false });
  });

  it('refuses a bad tags page with a 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=abc', 'limit'],
      ['starting_after=', 'starting_after'],
      ['starting_after=a%00b', 'starting_after'],
      [`starting_after=${'x'.repeat(65)}`, 'starting_after'],
    ] as const) {
      const response = await api.call('GET', `/api/v1/tags?${query}`, { key: keys.liveKey });
      expect(response.statusCode, query).toBe(400);
      expect(
        response.json().details.map((d: { field: string }) => d.field),
        query,
      ).toEqual([field]);
    }
  });

  it('answers 404 for a tag no video of the account carries, and for one that cannot be a tag', async () => {
    const other = await api.createAccount();
    for (const [tag, key] of [
      ['no-such-tag', keys.liveKey],
      ['Spring Launch', other.liveKey],
      ['a\u0007b', keys.liveKey],
      ['x'.repeat(65), keys.liveKey],
    ] as const) {
      const response = await summary(tag, key);
      expect(response.statusCode, tag).toBe(404);
      expect(response.json()).toEqual({ error: 'Tag not found' });
    }
  });

  it('a tag with a slash, a percent sign, a question mark and non-ASCII letters is found through its URL-encoded path', async () => {
    const tag = 'Été/2024 100% ok?';
    const response = await api.call('POST', '/api/v1/videos/track', {
      key: keys.testKey,
      body: { video_link: 'https://youtu.be/aaaaaaaaaa6', duration_days: 1, tags: [tag] },
    });
    expect(response.statusCode).toBe(201);
    const body = (await summary('été/2024 100% OK?', keys.testKey)).json();
    expect(body).toMatchObject({ tag: 'été/2024 100% OK?', videos: 1 });
    const listed = await api.call('GET', `/api/v1/videos?tag=${encodeURIComponent('ÉTÉ/2024 100% ok?')}`, {
      key: keys.testKey,
    });
    expect(listed.json().videos).toHaveLength(1);
  });

  it('test mode rolls up its own videos and charges nothing', async () => {
    const body = (await summary('spring launch', keys.testKey)).json();
    expect(body).toMatchObject({ videos: 1, charged_usd: 0 });
    expect(body.by_platform.youtube).toBe(1);
  });
});
