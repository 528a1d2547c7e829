// The command line's conventions, for scripts as much as for people: --version; --json on every command that
// prints data (one JSON document on stdout, the operator API's shapes); `accounts list`; required options
// marked in help; exit codes 0 done, 1 refused by the domain, 2 bad usage or configuration.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import { childDatabaseUrl, createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';
import { type CliRun, runInProcess } from './run-cli.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
// biome-ignore lint/suspicious/noExplicitAny: a command's JSON read back; the assertions check its shape
type Answer = any;

/** Commands that run until stopped and print logs, not data. */
const LONG_RUNNING = new Set(['serve', 'worker']);
/** Commands whose output is the data itself, in the format asked for (`export --format jsonl` is its JSON). */
const DATA_STREAMS = new Set(['export']);

function leaves(command: Command, path: string[] = []): Array<[string, Command]> {
  if (command.commands.length === 0) return [[path.join(' '), command]];
  return command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}
const silent = { write: () => true };
const commands = leaves(buildProgram({ env: {}, stdout: silent, stderr: silent }));

describe('the command tree', () => {
  it('--version prints the package version, exit 0', async () => {
    expect(await runInProcess({}, ['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each(commands.filter(([name]) => !LONG_RUNNING.has(name) && !DATA_STREAMS.has(name)))(
    '%s takes --json',
    (_name, command) => {
      expect(command.options.map((o) => o.long)).toContain('--json');
    },
  );

  it.each(commands)("%s's help marks each required option", (_name, command) => {
    for (const option of command.options.filter((o) => o.mandatory))
      expect(command.helpInformation()).toMatch(new RegExp(`${option.long}.*\\(required\\)`));
  });

  it('a missing required option is bad usage: exit 2, saying which', async () => {
    const run = await runInProcess({}, ['accounts', 'create']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--email <email>' not specified");
  });
});

describe.each(DIALECTS)('--json answers (%s)', (dialect) => {
  let store: TestStore;
  const cli = (...args: string[]): Promise<CliRun> =>
    runInProcess({ DATABASE_URL: childDatabaseUrl(store), LOG_LEVEL: 'error' }, args);
  /** Runs a command with --json: exit 0, nothing on stderr, exactly one JSON document on stdout. */
  const json = async (...args: string[]) => {
    const run = await cli(...args, '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    return JSON.parse(run.stdout) as Answer;
  };

  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.destroy());

  it('accounts, credits and keys answer in the operator API shapes', async () => {
    const created = await json('accounts', 'create', '--email', 'json@example.com', '--credit', '5');
    expect(created).toMatchObject({
      account: { email: 'json@example.com', plan: 'free', balance_usd: 5, disabled: false },
      api_key: expect.stringMatching(/^cs_live_/),
      test_api_key: expect.stringMatching(/^cs_test_/),
    });
    const id = created.account.id as string;
    await json('accounts', 'create', '--email', 'second@example.com');

    const list = await json('accounts', 'list');
    expect(list.accounts.map((a: { email: string }) => a.email)).toEqual([
      'json@example.com',
      'second@example.com',
    ]);

    expect(await json('credits', 'add', id, '2.5')).toMatchObject({ account: { id, balance_usd: 7.5 } });
    expect(await json('accounts', 'set', id, '--plan', 'pro')).toMatchObject({
      account: { id, plan: 'pro' },
      cancelled_trackings: 0,
    });
    const key = await json('keys', 'create', id, '--mode', 'test', '--name', 'ci');
    expect(key).toMatchObject({ id: expect.stringMatching(/^key_/), mode: 'test', name: 'ci' });
    const keys = await json('keys', 'list', id);
    expect(keys.keys).toHaveLength(3);
    expect(keys.keys.find((k: { id: string }) => k.id === key.id)).toMatchObject({
      revoked_at: null,
      name: 'ci',
    });
    expect(await json('keys', 'revoke', id, key.id as string)).toEqual({ revoked: key.id });
    const shown = await json('accounts', 'show', 'json@example.com');
    expect(shown.account).toMatchObject({ id, plan: 'pro' });
    expect(shown.keys.find((k: { id: string }) => k.id === key.id).revoked_at).toEqual(expect.any(String));
  });

  it('migrate and migrate --status', async () => {
    expect(await json('migrate')).toEqual({ applied: [] });
    const status = await json('migrate', '--status');
    expect(status.pending).toBe(0);
    expect(status.applied).toBe(status.migrations.length);
    expect(status.migrations[0]).toEqual({ name: expect.any(String), applied_at: expect.any(String) });
  });

  it('a refusal is still exit 1 with one line on stderr, and nothing on stdout', async () => {
    expect(await cli('accounts', 'show', 'nobody@example.com', '--json')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'contentstats: no account nobody@example.com\n',
    });
  });
});
