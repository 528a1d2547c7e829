// `contentstats prune --ended-before <date>`: on a world made by the real tracking code (tracks, collections,
// a downtime, stop, pause, an error, an operator cancel, test mode, a webhook endpoint, share links), it deletes
// the snapshot rows of trackings that ended before the date and nothing else; the ledger, GET /usage and the
// videos' counters stay; the export holds exactly the rows deleted, in the public export's columns; a dry run
// changes nothing; a second run finds nothing; a stopped run is finished by the next.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { SNAPSHOT_EXPORT_COLUMNS } from '../../src/exports/columns.ts';
import { writeExportFile } from '../../src/exports/file.ts';
import { exportStream } from '../../src/exports/formats.ts';
import { pruneSnapshots } from '../../src/retention/prune.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { csvObjects, parseCsv } from '../support/csv.ts';
import { createTestEngine, scriptedCollector } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { childDatabaseUrl, DIALECTS } from '../support/stores.ts';
import { runInProcess } from './run-cli.ts';

const HOUR = 3_600_000;
const START = Date.parse('2024-01-29T10:00:00.000Z');
const at = (hours: number) => START + hours * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
/** The date the main prune uses: after the early endings and `done`'s completion, before `late` completes. */
const CUTOFF = at(30);

interface Row {
  video_id: string;
  slot: number;
  missed: number;
  taken_at: number;
  views: string | null;
}

describe.each(DIALECTS)('contentstats prune (%s)', (dialect) => {
  let api: TestApi;
  let clock: TestClock;
  let liveKey: string;
  let testKey: string;
  let accountId: string;
  let dir: string;
  const ids: Record<string, string> = {};
  const shareTokens: string[] = [];

  const env = () => ({ DATABASE_URL: childDatabaseUrl(api.store), LOG_LEVEL: 'error' });
  const prune = (...args: string[]) => runInProcess(env(), ['prune', ...args]);
  const get = (path: string, key = liveKey) => api.call('GET', path, { key });

  async function rows(): Promise<Row[]> {
    const all = await api.store.db
      .selectFrom('snapshots as s')
      .innerJoin('videos as v', 'v.video_key', 's.video_key')
      .select(['v.id as video_id', 's.slot', 's.source', 's.taken_at'])
      .select((eb) => eb.cast<string | null>('s.views', 'text').as('views'))
      .orderBy('v.id')
      .orderBy('s.slot')
      .execute();
    return all.map(({ source, ...r }) => ({
      ...r,
      slot: Number(r.slot),
      missed: source === null ? 1 : 0,
      taken_at: Number(r.taken_at),
    }));
  }
  const rowsOf = (all: Row[], videoIds: string[]) => all.filter((r) => videoIds.includes(r.video_id));

  /** Each video's `snapshots_pruned_at`, by name (null: not marked). */
  async function marks(): Promise<Record<string, number | null>> {
    const videos = await api.store.db.selectFrom('videos').select(['id', 'snapshots_pruned_at']).execute();
    const byId = new Map(videos.map((v) => [v.id, v.snapshots_pruned_at]));
    return Object.fromEntries(
      Object.entries(ids).map(([name, id]) => {
        const at = byId.get(id);
        return [name, at === null || at === undefined ? null : Number(at)];
      }),
    );
  }
  const markedNames = (marked: Record<string, number | null>) =>
    Object.keys(marked)
      .filter((name) => marked[name] !== null)
      .sort();
  const expectMarkedWithin = (
    marked: Record<string, number | null>,
    names: string[],
    from: number,
    to: number,
  ) => {
    for (const name of names) {
      expect(marked[name]).toBeGreaterThanOrEqual(from);
      expect(marked[name]).toBeLessThanOrEqual(to);
    }
  };
  /** Runs a prune, and answers it with the times it ran between (a mark it sets lies in them). */
  async function timedPrune(...args: string[]) {
    const from = Date.now();
    const run = await prune(...args);
    return { run, from, to: Date.now() };
  }

  /**
   * Everything a prune must leave as it is: the ledger, the balances, /usage and each video's row (but its
   * `snapshots_pruned_at`, which marks).
   */
  async function keptState() {
    const ledger = await api.store.db.selectFrom('ledger_entries').selectAll().orderBy('id').execute();
    const account = await api.store.db
      .selectFrom('accounts')
      .select(['balance_micro_usd', 'reserved_micro_usd'])
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    const videos = (await api.store.db.selectFrom('videos').selectAll().orderBy('id').execute()).map(
      ({ snapshots_pruned_at: _, ...video }) => video,
    );
    const usage = {
      live: (await get('/api/v1/usage', liveKey)).json(),
      test: (await get('/api/v1/usage', testKey)).json(),
    };
    return { ledger, account, videos, usage };
  }

  /** A video's rows in the public snapshot export (its header first), as the API serves them now. */
  async function publicCsv(key: string): Promise<string[][]> {
    const response = await get('/api/v1/exports/snapshots', key);
    expect(response.statusCode).toBe(200);
    return parseCsv(response.body);
  }

  async function publicXlsx(key: string): Promise<unknown[][]> {
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/v1/exports/snapshots?format=xlsx',
      headers: { 'x-api-key': key },
    });
    expect(response.statusCode).toBe(200);
    return xlsxRows(response.rawPayload);
  }

  async function xlsxRows(bytes: Buffer): Promise<unknown[][]> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('snapshots')!;
    const out: unknown[][] = [];
    sheet.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
    return out;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'contentstats-prune-'));
    clock = new TestClock(START);
    const script = scriptedCollector('tiktok', clock);
    api = await createTestApi(dialect, { clock, liveCollectors: { tiktok: script.collector } });
    const account = await api.createAccount({ creditUsd: 50, email: `prune-${dialect}@example.com` });
    ({ liveKey, testKey, id: accountId } = account);
    const hook = await api.call('POST', '/api/v1/webhooks', {
      key: liveKey,
      body: { url: 'https://hooks.example.test/in', events: ['snapshot.created'] },
    });
    expect(hook.statusCode).toBe(201);

    let n = 10;
    const track = async (name: string, days: number, key = liveKey, tags: string[] = []) => {
      const response = await api.call('POST', '/api/v1/videos/track', {
        key,
        body: {
          video_link: `https://www.tiktok.com/@p/video/73000000000000000${n++}`,
          duration_days: days,
          tags,
        },
      });
      expect(response.statusCode).toBe(201);
      ids[name] = response.json().id as string;
    };
    const change = async (name: string, action: 'stop' | 'pause') =>
      expect(
        (await api.call('POST', `/api/v1/videos/${ids[name]}/${action}`, { key: liveKey })).statusCode,
      ).toBe(200);

    await track('done', 1, liveKey, ['Spring']); // completes at hour 23
    await track('stopped', 2); // stopped at hour 3
    await track('failed', 2); // the platform says it is gone at hour 4
    await track('cancelled', 2); // the operator cancels it at hour 5
    await track('paused', 2); // paused at hour 3: never pruned, it can resume
    await track('monitoring', 30, liveKey, ['Spring']); // still tracked
    await track('testDone', 1, testKey); // test mode, completes at hour 23
    const engine = createTestEngine(api);
    for (let hour = 1; hour <= 44; hour++) {
      // Hours 6 to 8 the service is down: those slots are recorded as missed when it comes back.
      if (hour >= 6 && hour <= 8) continue;
      clock.set(at(hour) + 5_000);
      if (hour === 20) await track('late', 1); // completes at hour 43, after the cutoff
      if (hour === 4) {
        const videoId = (await api.store.db
          .selectFrom('videos')
          .select('platform_video_id')
          .where('id', '=', ids.failed!)
          .executeTakeFirstOrThrow())!.platform_video_id;
        script.failures.set(videoId, { kind: 'not_found', message: 'gone' });
      }
      await engine.runDue();
      if (hour === 3) {
        await change('stopped', 'stop');
        await change('paused', 'pause');
      }
      if (hour === 5) {
        const cancelled = await api.call('POST', `/admin/v1/videos/${ids.cancelled}/cancel`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        expect(cancelled.statusCode).toBe(200);
      }
    }
    // snapshot.created of every recorded batch waits to be expanded (no delivery worker runs here).
    expect(
      (await api.store.db.selectFrom('webhook_pending_snapshots').select('id').execute()).length,
    ).toBeGreaterThan(0);
    for (const body of [{ video_id: ids.done }, { tag: 'Spring' }]) {
      const link = await api.call('POST', '/api/v1/share-links', { key: liveKey, body });
      expect(link.statusCode).toBe(201);
      shareTokens.push(link.json().token as string);
    }
    const statuses = await api.store.db.selectFrom('videos').select(['id', 'status']).execute();
    const statusOf = (name: string) => statuses.find((v) => v.id === ids[name])?.status;
    expect(
      ['done', 'stopped', 'failed', 'cancelled', 'paused', 'monitoring', 'testDone', 'late'].map(statusOf),
    ).toEqual([
      'completed',
      'completed',
      'error',
      'cancelled',
      'paused',
      'monitoring',
      'completed',
      'completed',
    ]);
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const prunedByCutoff = () => [ids.done!, ids.stopped!, ids.failed!, ids.cancelled!, ids.testDone!];

  it('refuses a bad date or option, naming it (exit 2), and changes nothing', async () => {
    const before = await rows();
    for (const value of ['yesterday', '2024-02-30', '2024-01-30T10:00', '30/01/2024']) {
      const run = await prune('--ended-before', value);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--ended-before: "${value}" is not a date`);
    }
    const future = await prune('--ended-before', '2999-01-01');
    expect([future.code, future.stderr]).toEqual([
      2,
      'contentstats: --ended-before: 2999-01-01T00:00:00.000Z is in the future; only trackings that have ended can be pruned\n',
    ]);
    const missing = await prune('--dry-run');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--ended-before <date>' not specified");
    const badFile = await prune('--ended-before', iso(CUTOFF), '--export', join(dir, 'out.pdf'));
    expect([badFile.code, badFile.stderr]).toEqual([
      2,
      'contentstats: --export: the file name must end in .csv, .jsonl, .xlsx\n',
    ]);
    const noFolder = await prune('--ended-before', iso(CUTOFF), '--export', join(dir, 'nope', 'out.csv'));
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toContain('--export: the folder');
    for (const size of ['0', '1.5', 'many', '100001']) {
      const run = await prune('--ended-before', iso(CUTOFF), '--batch-size', size);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--batch-size:');
    }
    expect(await rows()).toEqual(before);
  });

  it('a dry run says which videos, snapshots and dates would go, and changes nothing', async () => {
    const before = await rows();
    const kept = await keptState();
    const marked = await marks();
    expect(Object.values(marked).every((at) => at === null)).toBe(true);
    const file = join(dir, 'dry.csv');
    const run = await prune('--ended-before', iso(CUTOFF), '--dry-run', '--export', file, '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const going = rowsOf(before, prunedByCutoff());
    const collected = going.filter((r) => !r.missed).length;
    expect(going.filter((r) => r.missed).length).toBeGreaterThan(0);
    expect(JSON.parse(run.stdout)).toEqual({
      ended_before: iso(CUTOFF),
      dry_run: true,
      videos: 5,
      snapshots: { collected, missed: going.length - collected },
      first_snapshot_time: iso(Math.min(...going.map((r) => r.taken_at))),
      last_snapshot_time: iso(Math.max(...going.map((r) => r.taken_at))),
      export: { file, format: 'csv', rows: collected },
      deleted_snapshots: 0,
      transactions: 0,
      partitions_dropped: 0,
      longest_transaction_ms: 0,
    });
    const text = await prune('--ended-before', iso(CUTOFF).slice(0, 10), '--dry-run');
    expect(text.stdout).toContain('dry run: nothing was changed');
    expect(existsSync(file)).toBe(false);
    expect(await rows()).toEqual(before);
    expect(await keptState()).toEqual(kept);
    expect(await marks()).toEqual(marked);
  });

  it('prunes what ended before an earlier date into XLSX, the public export’s rows and columns', async () => {
    // Stopped at hour 3 and failed at hour 4: the only trackings that ended before hour 4.5.
    const early = [ids.stopped!, ids.failed!];
    const served = await publicXlsx(liveKey);
    const file = join(dir, 'early.xlsx');
    const heldRows = rowsOf(await rows(), early).length;
    const { run, from, to } = await timedPrune(
      '--ended-before',
      iso(at(4.5)),
      '--export',
      file,
      '--batch-size',
      '5',
      '--json',
    );
    expect(run.stderr).toBe('');
    // Marked pruned: exactly these two, at the time of the run.
    const marked = await marks();
    expect(markedNames(marked)).toEqual(['failed', 'stopped']);
    expectMarkedWithin(marked, ['failed', 'stopped'], from, to);
    // Two videos of four rows each: 8 rows, which do not fit one transaction of 5.
    expect(heldRows).toBe(8);
    expect(JSON.parse(run.stdout)).toMatchObject({
      videos: 2,
      transactions: 2,
      deleted_snapshots: 8,
      export: { file, format: 'xlsx' },
    });
    const written = await xlsxRows(readFileSync(file));
    expect(written[0]).toEqual(served[0]);
    // Video after video in the order their trackings ended (stopped, then failed), each in slot order.
    const endedOrder = (row: unknown[]) => early.indexOf(row[0] as string);
    expect(written.slice(1)).toEqual(
      served
        .slice(1)
        .filter((r) => early.includes(r[0] as string))
        .sort((a, b) => endedOrder(a) - endedOrder(b)),
    );
    expect(written.length).toBeGreaterThan(1);
    expect(rowsOf(await rows(), early)).toEqual([]);
  });

  it('prunes only trackings that ended before the date; ledger, /usage and videos stay; the CSV holds what went', async () => {
    const before = await rows();
    const kept = await keptState();
    const served = { live: await publicCsv(liveKey), test: await publicCsv(testKey) };
    const eventsOfDone = async () =>
      (await api.store.db.selectFrom('webhook_events').select(['payload', 'deferred_data']).execute()).filter(
        (e) => JSON.parse(e.deferred_data!).video_id === ids.done,
      );
    // Never attempted (no worker runs here): their bodies are still to be rendered from the snapshots.
    const unrendered = (await eventsOfDone()).map((e) => e.payload);
    expect(unrendered.length).toBeGreaterThan(10);
    expect(unrendered).toEqual(unrendered.map(() => null));
    const file = join(dir, 'pruned.csv');
    const earlier = await marks();

    const { run, from, to } = await timedPrune(
      '--ended-before',
      iso(CUTOFF),
      '--export',
      file,
      '--batch-size',
      '10',
      '--json',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Marked pruned: the three it emptied now, and the two of the earlier run as they were.
    const marked = await marks();
    expect(markedNames(marked)).toEqual(['cancelled', 'done', 'failed', 'stopped', 'testDone']);
    expectMarkedWithin(marked, ['cancelled', 'done', 'testDone'], from, to);
    expect([marked.stopped, marked.failed]).toEqual([earlier.stopped, earlier.failed]);
    const going = rowsOf(before, [ids.done!, ids.cancelled!, ids.testDone!]);
    const collected = going.filter((r) => !r.missed).length;
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({
      dry_run: false,
      videos: 3,
      snapshots: { collected, missed: going.length - collected },
      export: { rows: collected },
      deleted_snapshots: going.length,
    });
    // Two videos of 24 rows in transactions of 10, 10 and 4 each; the cancelled one's 6 rows in one.
    expect(rowsOf(before, [ids.done!, ids.testDone!, ids.cancelled!]).map((r) => r.video_id).length).toBe(54);
    expect(answer.transactions).toBe(7);

    // Deleted: exactly the ended-before rows; every other row as it was.
    const after = await rows();
    expect(after).toEqual(before.filter((r) => !going.includes(r)));
    expect(rowsOf(after, [ids.paused!, ids.monitoring!, ids.late!]).length).toBeGreaterThan(0);

    // The file: the public export's header and, for the pruned videos, its rows — live and test together.
    const csv = parseCsv(readFileSync(file, 'utf8'));
    expect(csv[0]).toEqual(served.live[0]);
    const prunedIds = [ids.done!, ids.cancelled!, ids.testDone!];
    const expected = [...served.live.slice(1), ...served.test.slice(1)].filter((r) =>
      prunedIds.includes(r[0]!),
    );
    expect(csv.slice(1).sort()).toEqual(expected.sort());
    expect(csv.length - 1).toBe(collected);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([]);

    // Money and totals: nothing in the ledger changed, /usage answers the same, the counters stay.
    expect(await keptState()).toEqual(kept);
    await expectInvariants(api.store, accountId);

    // snapshot.created bodies of the pruned videos were rendered before their snapshots went.
    const ofDone = await eventsOfDone();
    expect(ofDone).toHaveLength(unrendered.length);
    for (const event of ofDone) {
      const body = JSON.parse(event.payload!);
      const slot = JSON.parse(event.deferred_data!).slot as number;
      const stored = before.find((r) => r.video_id === ids.done && r.slot === slot)!;
      expect(body.data.snapshot).toMatchObject({
        slot,
        views: stored.views,
        snapshot_time: iso(stored.taken_at),
      });
    }
  });

  it('a pruned video still answers everywhere: the video and its counters, no snapshots, nothing fails', async () => {
    const video = await get(`/api/v1/videos/${ids.done}`);
    expect(video.statusCode).toBe(200);
    // 24 slots, 3 of them missed while the service was down: the counters stay as they were.
    const marked = await marks();
    expect(video.json()).toMatchObject({
      status: 'completed',
      snapshots_collected: 21,
      snapshots_missed: 3,
      snapshots_pruned_at: iso(marked.done!),
      snapshots: [],
      latest: null,
    });
    // A video whose snapshots are kept shows null, in the detail and in the list.
    const kept = await get(`/api/v1/videos/${ids.late}`);
    expect(kept.json()).toMatchObject({ status: 'completed', snapshots_pruned_at: null });
    expect(kept.json().snapshots.length).toBeGreaterThan(0);
    const series = await get(`/api/v1/videos/${ids.done}/snapshots`);
    expect([series.statusCode, series.json().snapshots]).toEqual([200, []]);
    expect((await get(`/api/v1/videos/${ids.done}/snapshots?format=csv`)).statusCode).toBe(200);
    const listed = (await get('/api/v1/videos?limit=100')).json().videos as {
      id: string;
      latest: unknown;
      snapshots_pruned_at: string | null;
    }[];
    expect(listed.find((v) => v.id === ids.done)?.latest).toBeNull();
    expect(Object.fromEntries(listed.map((v) => [v.id, v.snapshots_pruned_at]))).toEqual(
      Object.fromEntries(
        Object.entries(ids)
          .filter(([name]) => name !== 'testDone')
          .map(([name, id]) => [id, marked[name] === null ? null : iso(marked[name]!)]),
      ),
    );
    for (const path of [
      '/api/v1/exports/snapshots',
      '/api/v1/exports/videos',
      '/api/v1/tags/Spring/summary',
    ]) {
      expect((await get(path)).statusCode).toBe(200);
    }
    const videoRows = csvObjects((await get('/api/v1/exports/videos')).body);
    expect(videoRows.find((r) => r.video_id === ids.done)).toMatchObject({
      snapshots_collected: '21',
      first_snapshot_time: '',
      latest_snapshot_time: '',
      views: '',
      views_growth: '',
    });
    const summary = (await get('/api/v1/tags/Spring/summary')).json();
    expect(summary).toMatchObject({ videos: 2, by_status: { completed: 1, monitoring: 1 } });
    for (const token of shareTokens) {
      for (const suffix of ['', '.csv', '.json']) {
        expect((await api.call('GET', `/s/${token}${suffix}`)).statusCode).toBe(200);
      }
    }
  });

  it('running it again finds nothing and changes nothing', async () => {
    const before = await rows();
    const kept = await keptState();
    const marked = await marks();
    const run = await prune('--ended-before', iso(CUTOFF));
    expect([run.code, run.stdout]).toEqual([
      0,
      `no snapshots of trackings that ended before ${iso(CUTOFF)}: nothing to prune\n`,
    ]);
    expect(await rows()).toEqual(before);
    expect(await keptState()).toEqual(kept);
    expect(await marks()).toEqual(marked);
  });

  it('deletes nothing unless the export holds every row about to go', async () => {
    const before = await rows();
    const endedBefore = at(44);
    const attempt = (write: (pages: AsyncGenerator<unknown[]>) => Promise<void>) =>
      pruneSnapshots(api.store, { endedBefore, now: Date.now(), dryRun: false, export: { write } });
    // A writer that stops before the end (a bug, a reader gone): refused, nothing deleted.
    const short = await attempt(async (pages) => {
      await pages.return(undefined);
    });
    const collected = rowsOf(before, [ids.late!]).filter((r) => !r.missed).length;
    expect(short).toEqual({
      ok: false,
      error: { kind: 'export_incomplete', expected: collected, written: 0 },
    });
    // A writer that fails (a full disk): the error goes up, nothing deleted.
    await expect(
      attempt(async () => {
        throw new Error('ENOSPC');
      }),
    ).rejects.toThrow('ENOSPC');
    expect(await rows()).toEqual(before);
  });

  it('a run stopped between two transactions is finished by running it again', async () => {
    const before = await rows();
    const kept = await keptState();
    const endedBefore = at(44);
    const first = join(dir, 'first.csv');
    const stopped = pruneSnapshots(api.store, {
      endedBefore,
      now: Date.now(),
      dryRun: false,
      batchSize: 5,
      export: {
        write: (pages) => writeExportFile(first, exportStream(pages, SNAPSHOT_EXPORT_COLUMNS, 'csv')),
      },
      afterBatch: () => {
        throw new Error('killed');
      },
    });
    await expect(stopped).rejects.toThrow('killed');
    // One transaction went: `late`'s five oldest slots. Its newest are still there, and in the first file.
    const late = rowsOf(before, [ids.late!]);
    const left = rowsOf(await rows(), [ids.late!]);
    expect(left).toEqual(late.slice(5));
    // Not marked until its last rows go: fewer rows than counted, ended, unmarked — which the invariants allow.
    expect((await marks()).late).toBeNull();
    await expectInvariants(api.store, accountId);
    expect(parseCsv(readFileSync(first, 'utf8')).length - 1).toBe(late.filter((r) => !r.missed).length);

    const second = join(dir, 'second.csv');
    const {
      run: again,
      from,
      to,
    } = await timedPrune('--ended-before', iso(endedBefore), '--export', second, '--json');
    expect(again.code).toBe(0);
    expectMarkedWithin(await marks(), ['late'], from, to);
    expect(JSON.parse(again.stdout)).toMatchObject({
      videos: 1,
      snapshots: {
        collected: left.filter((r) => !r.missed).length,
        missed: left.filter((r) => r.missed).length,
      },
    });
    const secondRows = parseCsv(readFileSync(second, 'utf8')).slice(1);
    expect(secondRows.map((r) => Number(r[7]))).toEqual(left.filter((r) => !r.missed).map((r) => r.slot));
    expect(rowsOf(await rows(), [ids.late!])).toEqual([]);
    expect(await rows()).toEqual(before.filter((r) => r.video_id !== ids.late));
    expect(await keptState()).toEqual(kept);
    await expectInvariants(api.store, accountId);
    // The file of the first run is never overwritten.
    const clash = await prune('--ended-before', iso(endedBefore), '--export', first);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('already exists');
  });
});
