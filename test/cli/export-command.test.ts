// `contentstats export`: the same rows as the HTTP exports, straight from the database, to standard output.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { TestClock } from '../../src/clock.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { csvObjects } from '../support/csv.ts';
import { createTestEngine } from '../support/engine.ts';
import { childDatabaseUrl, DIALECTS } from '../support/stores.ts';
import { runInProcess } from './run-cli.ts';

const START = Date.parse('2024-01-29T10:00:00.000Z');

describe.each(DIALECTS)('contentstats export (%s)', (dialect) => {
  let api: TestApi;
  let key: string;
  let email: string;
  const env = () => ({ DATABASE_URL: childDatabaseUrl(api.store), LOG_LEVEL: 'error' });
  const cli = (...args: string[]) => runInProcess(env(), ['export', ...args]);

  beforeAll(async () => {
    api = await createTestApi(dialect, { clock: new TestClock(START) });
    email = `export-cli-${dialect}@example.com`;
    key = (await api.createAccount({ email })).testKey;
    for (const [id, tags] of [
      ['17', ['Spring Launch']],
      ['27', []],
    ] as const) {
      const tracked = await api.call('POST', '/api/v1/videos/track', {
        key,
        body: {
          video_link: `https://www.tiktok.com/@a/video/73000000000000000${id}`,
          duration_days: 1,
          tags,
        },
      });
      expect(tracked.statusCode).toBe(201);
    }
    api.clock.set(START + 3_600_000 + 5_000);
    await createTestEngine(api).runDue();
  });
  afterAll(() => api.close());

  it('writes the CSV the API serves, with the same filters', async () => {
    for (const [args, query] of [
      [['--mode', 'test'], ''],
      [['--mode', 'test', '--tag', 'spring launch'], '?tag=spring%20launch'],
      [['--mode', 'test', '--rows', 'videos', '--format', 'jsonl'], '?format=jsonl'],
    ] as const) {
      const run = await cli('--account', email, ...args);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const rows = (args as readonly string[]).includes('videos') ? 'videos' : 'snapshots';
      const served = await api.call('GET', `/api/v1/exports/${rows}${query}`, { key });
      expect(run.stdout).toBe(served.body);
    }
    const tagged = csvObjects(
      (await cli('--account', email, '--mode', 'test', '--tag', 'Spring Launch')).stdout,
    );
    expect(tagged.map((r) => r.slot)).toEqual(['0', '1']);
    // The account's live world has nothing yet: a header only.
    expect((await cli('--account', email)).stdout.trim().split('\n')).toHaveLength(1);
  });

  it("--video writes one video's rows, as the API does with video_id; another account's video is refused", async () => {
    const listed = (await api.call('GET', '/api/v1/videos', { key })).json().videos as { id: string }[];
    const videoId = listed[0]!.id;
    const run = await cli('--account', email, '--mode', 'test', '--video', videoId);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const served = await api.call('GET', `/api/v1/exports/snapshots?video_id=${videoId}`, { key });
    expect(run.stdout).toBe(served.body);
    expect(new Set(csvObjects(run.stdout).map((r) => r.video_id))).toEqual(new Set([videoId]));
    // The same video is not one of the account's live videos.
    const otherMode = await cli('--account', email, '--video', videoId);
    expect([otherMode.code, otherMode.stderr]).toEqual([
      1,
      `contentstats: no video ${videoId} of ${email} in live mode\n`,
    ]);
    expect((await cli('--account', email, '--video', 'not an id')).stderr).toContain('--video:');
  });

  it('writes XLSX as bytes that exceljs reads back', async () => {
    const chunks: Buffer[] = [];
    const io: CliIo = {
      env: env(),
      stdout: { write: (chunk: string | Buffer) => chunks.push(Buffer.from(chunk)) },
      stderr: { write: () => undefined },
    };
    const code = await runCli(['export', '--account', email, '--mode', 'test', '--format', 'xlsx'], io);
    expect(code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);
    expect(workbook.getWorksheet('snapshots')!.rowCount).toBe(1 + 4);
  });

  it('refuses bad options (exit 2, naming the option) and an unknown account (exit 1)', async () => {
    const bad = await cli(
      '--account',
      email,
      '--format',
      'pdf',
      '--platform',
      'vimeo',
      '--since',
      'yesterday',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format: format must be one of csv, jsonl, xlsx');
    expect(bad.stderr).toContain('--platform:');
    expect(bad.stderr).toContain('--since:');
    expect((await cli('--account', email, '--rows', 'ledger')).code).toBe(2);
    expect((await cli('--account', email, '--tag', 'x'.repeat(65))).stderr).toContain('--tag:');
    const unknown = await cli('--account', 'nobody@example.com');
    expect([unknown.code, unknown.stderr]).toEqual([1, 'contentstats: no account nobody@example.com\n']);
  });
});
