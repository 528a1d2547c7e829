// GET /api/v1/videos/{id}/snapshots: the time series with growth deltas, paged, filtered by time, as JSON or CSV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine, scriptedCollector } from '../support/engine.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const VIDEO = '7301234567890123456';
const METRICS = ['views', 'likes', 'comments', 'shares', 'saves'] as const;

interface Snapshot {
  snapshot_id: string;
  snapshot_time: string;
  slot: number;
  missed?: true;
  views: string | null;
  views_delta: string | null;
  [field: string]: unknown;
}

describe.each(DIALECTS)('a video’s time series (%s)', (dialect) => {
  let api: TestApi;
  let key: string;
  let videoId: string;
  let jobId: string;
  const series = async (query = '', headers: Record<string, string> = {}) =>
    api.call('GET', `/api/v1/videos/${videoId}/snapshots${query}`, { key, headers });
  const page = async (query = '') => {
    const response = await series(query);
    expect(response.statusCode).toBe(200);
    return response.json() as { video_id: string; snapshots: Snapshot[]; has_more: boolean };
  };

  // Slots 0–5 of a live video, hourly; slot 3 fails until it is recorded as missed.
  beforeAll(async () => {
    const clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
    const script = scriptedCollector('tiktok', clock);
    api = await createTestApi(dialect, { clock, liveCollectors: { tiktok: script.collector } });
    key = (await api.createAccount({ creditUsd: 10 })).liveKey;
    const tracked = await api.call('POST', '/api/v1/videos/track', {
      key,
      body: { video_link: `https://www.tiktok.com/@u/video/${VIDEO}`, duration_days: 1 },
    });
    ({ id: videoId, job_id: jobId } = tracked.json());
    const engine = createTestEngine(api, {
      breaker: { failureThreshold: 1_000, initialCooldownMs: 1, maxCooldownMs: 1 },
    });
    const detail = async () => (await api.call('GET', `/api/v1/videos/${videoId}`, { key })).json();
    for (let slot = 1; slot <= 5; slot++) {
      if (slot === 3) script.failures.set(VIDEO, { kind: 'blocked', message: 'captcha' });
      else script.failures.delete(VIDEO);
      clock.set(Date.parse('2024-01-29T10:00:00.000Z') + slot * HOUR);
      // A failing slot is retried until the next one is due, then recorded as missed.
      for (let pass = 0; pass < 100 && (await detail()).next_snapshot_at !== iso(slot + 1); pass++) {
        clock.set(Math.max(Date.parse((await detail()).next_snapshot_at), clock.now()));
        await engine.runDue();
      }
    }
    expect(await detail()).toMatchObject({ snapshots_collected: 5, snapshots_missed: 1 });
  });
  afterAll(() => api.close());

  const iso = (slot: number) => new Date(Date.parse('2024-01-29T10:00:00.000Z') + slot * HOUR).toISOString();

  it('lists the collected snapshots in slot order, each with its growth since the one before', async () => {
    const { video_id, snapshots, has_more } = await page();
    expect(video_id).toBe(videoId);
    expect(has_more).toBe(false);
    expect(snapshots.map((s) => s.slot)).toEqual([0, 1, 2, 4, 5]);
    expect(snapshots.map((s) => s.snapshot_id)).toEqual([0, 1, 2, 4, 5].map((slot) => `${jobId}-${slot}`));
    // The first has nothing to grow from; slot 4 grows from slot 2, the last one collected before it.
    for (const metric of METRICS) expect(snapshots[0]![`${metric}_delta`]).toBeNull();
    for (let i = 1; i < snapshots.length; i++) {
      const [now, before] = [snapshots[i]!, snapshots[i - 1]!];
      expect(now.views_delta).toBe((BigInt(now.views!) - BigInt(before.views!)).toString());
      expect(BigInt(now.views_delta!)).toBeGreaterThan(0n);
    }
  });

  it('shows the missed slot when asked, without counts or deltas', async () => {
    const { snapshots } = await page('?include_missed=true');
    expect(snapshots.map((s) => s.slot)).toEqual([0, 1, 2, 3, 4, 5]);
    const missed = snapshots[3]!;
    expect(missed).toMatchObject({ missed: true, views: null, snapshot_id: `${jobId}-3` });
    // The same fields as every other snapshot, the deltas null.
    expect(Object.keys(missed).sort()).toEqual([...Object.keys(snapshots[2]!), 'missed'].sort());
    for (const metric of METRICS) expect(missed[`${metric}_delta`]).toBeNull();
    expect(snapshots.filter((s) => s.missed)).toHaveLength(1);
  });

  it('pages with limit and starting_after, and a page’s first delta reaches back to the page before', async () => {
    const whole = (await page()).snapshots;
    const first = await page('?limit=2');
    expect(first.snapshots.map((s) => s.slot)).toEqual([0, 1]);
    expect(first.has_more).toBe(true);
    const second = await page(`?limit=2&starting_after=${first.snapshots[1]!.snapshot_id}`);
    expect(second.snapshots.map((s) => s.slot)).toEqual([2, 4]);
    expect(second.snapshots).toEqual(whole.slice(2, 4));
    const last = await page(`?limit=2&starting_after=${second.snapshots[1]!.snapshot_id}`);
    expect(last.snapshots.map((s) => s.slot)).toEqual([5]);
    expect(last.has_more).toBe(false);
  });

  it('filters by time: since is inclusive, until exclusive', async () => {
    const { snapshots } = await page(`?since=${iso(1)}&until=${iso(5)}`);
    expect(snapshots.map((s) => s.slot)).toEqual([1, 2, 4]);
    // Growth is still measured from the snapshot before the window.
    expect(snapshots[0]!.views_delta).not.toBeNull();
    const offset = await page(`?since=${encodeURIComponent('2024-01-29T13:00:00+02:00')}`);
    expect(offset.snapshots.map((s) => s.slot)).toEqual([1, 2, 4, 5]);
  });

  it('exports CSV by format=csv or by Accept: text/csv, one row per snapshot', async () => {
    const json = (await page('?include_missed=true')).snapshots;
    for (const response of [
      await series('?format=csv&include_missed=true'),
      await series('?include_missed=true', { accept: 'text/csv' }),
    ]) {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="${videoId}-snapshots.csv"`);
      const [header, ...rows] = response.body.trimEnd().split('\n');
      expect(header).toBe(
        'snapshot_id,snapshot_time,slot,views,likes,comments,shares,saves,' +
          'views_delta,likes_delta,comments_delta,shares_delta,saves_delta,provider,missed',
      );
      expect(rows).toHaveLength(6);
      const cells = rows.map((row) => row.split(','));
      expect(cells.map((c) => c[0])).toEqual(json.map((s) => s.snapshot_id));
      expect(cells[4]).toEqual([
        json[4]!.snapshot_id,
        json[4]!.snapshot_time,
        '4',
        ...METRICS.map((m) => json[4]![m] ?? ''),
        ...METRICS.map((m) => json[4]![`${m}_delta`] ?? ''),
        json[4]!.provider,
        'false',
      ]);
      // The missed slot: its time is when it was given up on, its counts and deltas are empty.
      expect(cells[3]).toEqual([`${jobId}-3`, json[3]!.snapshot_time, '3', ...Array(11).fill(''), 'true']);
    }
    // An explicit format=json wins over the Accept header.
    const explicit = await series('?format=json', { accept: 'text/csv' });
    expect(explicit.headers['content-type']).toMatch(/^application\/json/);
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=1001', 'limit'],
    ['?limit=ten', 'limit'],
    ['?since=yesterday', 'since'],
    ['?until=2024-01-29', 'until'],
    ['?format=xml', 'format'],
    ['?include_missed=yes', 'include_missed'],
    ['?starting_after=nonsense', 'starting_after'],
    ['?starting_after=job_someoneElse-2', 'starting_after'],
    [`?starting_after=${'x'.repeat(200)}`, 'starting_after'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const response = await series(query);
    expect(response.statusCode).toBe(400);
    expect(response.json().details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('answers 404 for a video that does not exist', async () => {
    const response = await api.call('GET', '/api/v1/videos/vid_doesNotExist0000000000/snapshots', { key });
    expect(response.statusCode).toBe(404);
  });
});
