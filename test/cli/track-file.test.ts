// `contentstats track --file`, run in this process through the program the binary runs, against a real database
// (test mode: the simulator; live mode: money), with what it did read back through the HTTP API.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, parseCsv } from '../../src/cli/link-file.ts';
import { runCli } from '../../src/cli/program.ts';
import { TestClock } from '../../src/clock.ts';
import type { ServiceParts } from '../../src/compose.ts';
import { testConfig } from '../../src/config.ts';
import { startFakePlatforms } from '../fake-platform/platforms.ts';
import { TIKTOK } from '../fake-platform/scenarios.ts';
import { readyService } from '../support/api.ts';
import { expectInvariants } from '../support/invariants.ts';
import { childDatabaseUrl, createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';
import { type CliRun, runInProcess } from './run-cli.ts';

const tiktok = (n: number) => `https://www.tiktok.com/@u/video/73012345678901${String(n).padStart(5, '0')}`;

describe.each(DIALECTS)('contentstats track --file (%s)', (dialect) => {
  let store: TestStore;
  let service: ServiceParts;
  let dir: string;

  const cli = (...args: string[]): Promise<CliRun> =>
    runInProcess({ DATABASE_URL: childDatabaseUrl(store), LOG_LEVEL: 'error' }, args);
  const api = (key: string, url: string) =>
    service.app.inject({ method: 'GET', url, headers: { 'x-api-key': key } }).then((r) => r.json());
  const createAccount = async (credit: string, email: string) => {
    const run = await cli('accounts', 'create', '--email', email, '--credit', credit, '--plan', 'pro');
    const [account, live, test] = run.stdout.trim().split('\n');
    return {
      id: account!.split(/\s+/)[1]!,
      liveKey: live!.split(/\s+/)[2]!,
      testKey: test!.split(/\s+/)[2]!,
    };
  };
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const resultRows = (path: string) => parseCsv(readFileSync(path, 'utf8')).map((record) => record.cells);

  beforeAll(async () => {
    store = await createTestStore(dialect);
    service = await readyService({ store, config: testConfig(), clock: new TestClock(), liveCollectors: {} });
    dir = mkdtempSync(join(tmpdir(), 'contentstats-track-file-'));
  });
  afterAll(async () => {
    await service.app.close();
    await store.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("tracks one link per line in test mode, tags them, and writes each row's answer beside the file", async () => {
    const account = await createAccount('0', `lines-${dialect}@example.com`);
    const links = file(
      'links.txt',
      `# campaign links\n${tiktok(1)}\n\nhttps://youtu.be/dQw4w9WgXcQ\nhttps://example.com/not-a-video\nhttps://youtu.be/abcdefg4040\n`,
    );
    const run = await cli(
      'track',
      '--account',
      account.id,
      '--file',
      links,
      '--days',
      '3',
      '--tag',
      'Spring',
      '--tag',
      'Wave 1',
      '--mode',
      'test',
    );
    expect(run.code).toBe(1); // some rows were not tracked
    expect(run.stdout).toContain(`2 tracked, 2 not tracked (of 4); results in ${links}.results.csv`);
    expect(run.stderr).toContain('2 of 4 links were not tracked');
    const rows = resultRows(`${links}.results.csv`);
    expect(rows[0]).toEqual(['line', 'video_link', 'status', 'video_id', 'error']);
    const byLine = new Map(rows.slice(1).map((row) => [row[0], row]));
    expect(byLine.get('2')).toEqual(['2', tiktok(1), '201', expect.stringMatching(/^vid_/), '']);
    expect(byLine.get('4')?.[2]).toBe('201');
    expect(byLine.get('5')).toEqual([
      '5',
      'https://example.com/not-a-video',
      '400',
      '',
      expect.stringContaining('video_link'),
    ]);
    expect(byLine.get('6')).toEqual([
      '6',
      'https://youtu.be/abcdefg4040',
      '404',
      '',
      'Video not found or is private',
    ]);

    const listed = await api(account.testKey, '/api/v1/videos?tag=spring&tag=wave%201');
    expect(listed.videos).toHaveLength(2);
    expect(listed.videos[0]).toMatchObject({ monitoring_duration_days: 3, tags: ['Spring', 'Wave 1'] });
    // Test mode: nothing charged, nothing live.
    expect(await api(account.liveKey, '/api/v1/videos')).toMatchObject({ videos: [] });
  });

  it('reads a CSV with video_link, duration_days and tags columns', async () => {
    const account = await createAccount('0', `csv-${dialect}@example.com`);
    const links = file(
      'links.csv',
      'creator,video_link,duration_days,tags\r\n' +
        `alex,${tiktok(10)},2,"Launch;alex"\r\n` +
        `"sam, the other",${tiktok(11)},,launch\r\n` +
        `bad,${tiktok(12)},45,\r\n`,
    );
    const results = join(dir, 'out.csv');
    const run = await cli(
      'track',
      '--account',
      `csv-${dialect}@example.com`,
      '--file',
      links,
      '--mode',
      'test',
      '--results',
      results,
    );
    expect(run.stdout).toContain('2 tracked, 1 not tracked (of 3)');
    const rows = resultRows(results);
    expect(rows.slice(1).map((row) => [row[0], row[2]])).toEqual(
      expect.arrayContaining([
        ['2', '201'],
        ['3', '201'],
        ['4', '400'],
      ]),
    );
    const listed = await api(account.testKey, '/api/v1/videos?tag=launch');
    const byLink = new Map(listed.videos.map((v: { video_link: string }) => [v.video_link, v]));
    expect(byLink.get(tiktok(10))).toMatchObject({ monitoring_duration_days: 2, tags: ['Launch', 'alex'] });
    expect(byLink.get(tiktok(11))).toMatchObject({ monitoring_duration_days: 7, tags: ['launch'] });
  });

  it("live mode follows the money rules item by item, in the file's order", async () => {
    // The production collectors, reaching a fake TikTok through CONTENTSTATS_UPSTREAMS.
    const platforms = await startFakePlatforms(TIKTOK.first.routes);
    // 0.8 pays for two one-day trackings (0.36 each), not a third.
    const account = await createAccount('0.8', `money-${dialect}@example.com`);
    const links = file('money.txt', [TIKTOK.link, TIKTOK.link, TIKTOK.link].join('\n'));
    const run = await runInProcess(
      {
        DATABASE_URL: childDatabaseUrl(store),
        LOG_LEVEL: 'error',
        CONTENTSTATS_UPSTREAMS: JSON.stringify(platforms.upstreams),
      },
      ['track', '--account', account.id, '--file', links, '--days', '1', '--mode', 'live'],
    ).finally(() => platforms.close());
    expect(run.stdout, run.stderr).toContain('2 tracked, 1 not tracked (of 3)');
    const rows = resultRows(`${links}.results.csv`).slice(1);
    expect(rows.map((row) => row[2])).toEqual(['201', '201', '402']);
    expect(rows[2]![4]).toMatch(/^Insufficient balance/);
    const usage = await api(account.liveKey, '/api/v1/usage');
    expect(usage).toMatchObject({ active_videos: 2, total_snapshots: 2 });
    await expectInvariants(store, account.id);
  });

  it('draws a progress bar on a terminal', async () => {
    const account = await createAccount('0', `tty-${dialect}@example.com`);
    const links = file('tty.txt', [40, 41].map(tiktok).join('\n'));
    let stderr = '';
    const code = await runCli(['track', '--account', account.id, '--file', links, '--mode', 'test'], {
      env: { DATABASE_URL: childDatabaseUrl(store), LOG_LEVEL: 'error' },
      stdout: { write: () => true },
      stderr: Object.assign({ write: (text: string) => (stderr += text) }, { isTTY: true }),
    });
    expect(code).toBe(0);
    expect(stderr).toContain('\r[###############---------------] 1/2  tracked 1  not tracked 0');
    expect(stderr).toContain('\r[##############################] 2/2  tracked 2  not tracked 0\n');
  });

  it('refuses bad options and unknown accounts before tracking anything', async () => {
    const links = file('one.txt', tiktok(30));
    expect(
      (await cli('track', '--account', 'nobody@example.com', '--file', links, '--mode', 'test')).code,
    ).toBe(1);
    expect((await cli('track', '--account', 'x', '--file', join(dir, 'missing.txt'))).code).toBe(2);
    expect((await cli('track', '--account', 'x', '--file', links, '--days', '31')).code).toBe(2);
    expect((await cli('track', '--account', 'x', '--file', links, '--tag', 'x'.repeat(65))).code).toBe(2);
    expect((await cli('track', '--account', 'x', '--file', links, '--mode', 'both')).code).toBe(2);
    expect((await cli('track', '--account', 'x', '--file', file('empty.txt', '# nothing\n'))).code).toBe(2);
  });
});

describe('the links file and the result file', () => {
  it('reads quoted CSV fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b, c","say ""hi""\nthere"\r\nd,,e').map((r) => r.cells)).toEqual([
      ['a', 'b, c', 'say "hi"\nthere'],
      ['d', '', 'e'],
    ]);
  });

  it('writes cells a spreadsheet would run as formulas as text', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const start of ['+', '-', '@']) expect(csvCell(`${start}1`)).toBe(`'${start}1`);
    expect(csvCell('plain')).toBe('plain');
  });
});
