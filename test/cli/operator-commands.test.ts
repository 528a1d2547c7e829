// The operator CLI (`npx contentstats accounts|credits|keys …`), run in this process through the same program
// the binary runs, against a real database, with what it writes read back through the HTTP API of a service on
// the same database. test/cli/binary.test.ts runs the real process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import type { ServiceParts } from '../../src/compose.ts';
import { testConfig } from '../../src/config.ts';
import { readyService } from '../support/api.ts';
import { childDatabaseUrl, createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';
import { type CliRun, runInProcess } from './run-cli.ts';

describe.each(DIALECTS)('the operator CLI (%s)', (dialect) => {
  let store: TestStore;
  let service: ServiceParts;

  const cli = (...args: string[]): Promise<CliRun> => cliWith({}, ...args);
  const cliWith = (env: Record<string, string>, ...args: string[]): Promise<CliRun> =>
    runInProcess({ DATABASE_URL: childDatabaseUrl(store), LOG_LEVEL: 'error', ...env }, args);
  const usage = (key: string) =>
    service.app.inject({ method: 'GET', url: '/api/v1/usage', headers: { 'x-api-key': key } });

  beforeAll(async () => {
    store = await createTestStore(dialect);
    service = await readyService({ store, config: testConfig(), clock: new TestClock(), liveCollectors: {} });
  });
  afterAll(async () => {
    await service.app.close();
    await store.destroy();
  });

  let accountId: string;
  let liveKey: string;

  it('accounts create prints the account and both keys once, and the keys work at once', async () => {
    const run = await cli('accounts', 'create', '--email', 'Agency@Example.com', '--credit', '10');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [account, live, test, warning] = run.stdout.trim().split('\n');
    expect(account).toMatch(/^account {3}acc_\w+ \(agency@example\.com, plan free, balance \$10\)$/);
    expect(live).toMatch(/^live key {2}cs_live_\w+$/);
    expect(test).toMatch(/^test key {2}cs_test_\w+$/);
    expect(warning).toBe('Store the keys now: they are shown only once.');
    accountId = account!.split(/\s+/)[1]!;
    liveKey = live!.split(/\s+/)[2]!;
    const testKey = test!.split(/\s+/)[2]!;
    expect((await usage(liveKey)).json()).toMatchObject({ balance_usd: 10, mode: 'live' });
    expect((await usage(testKey)).json()).toMatchObject({ balance_usd: 10, mode: 'test' });
  });

  it('credits add tops up by email or id, and the note stays in the ledger', async () => {
    const run = await cli('credits', 'add', 'agency@example.com', '25', '--note', 'invoice 42');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${accountId}  agency@example.com  plan=free  balance=$35  reserved=$0`);
    expect((await usage(liveKey)).json()).toMatchObject({ balance_usd: 35 });
    const notes = await store.db
      .selectFrom('ledger_entries')
      .select(['note', 'balance_delta_micro_usd'])
      .where('account_id', '=', accountId)
      .where('kind', '=', 'credit')
      .orderBy('id')
      .execute();
    expect(notes.map((n) => [n.note, Number(n.balance_delta_micro_usd)])).toEqual([
      [expect.anything(), 10_000_000],
      ['invoice 42', 25_000_000],
    ]);
  });

  it('keys create, list and revoke: a key is shown once, listed by prefix, refused once revoked', async () => {
    const created = await cli('keys', 'create', accountId, '--mode', 'test', '--name', 'ci runner');
    expect(created.code).toBe(0);
    const [keyId, key] = created.stdout.split('\n')[0]!.split(/\s+/);
    expect(keyId).toMatch(/^key_/);
    expect(key).toMatch(/^cs_test_/);
    expect((await usage(key!)).statusCode).toBe(200);

    const listed = await cli('keys', 'list', 'agency@example.com');
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\n')).toHaveLength(3);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(keyId!));
    expect(line).toMatch(/^key_\w+ {2}cs_test_\w+… {2}test {2}ci runner {2}active$/);
    expect(listed.stdout).not.toContain(key);

    expect(await cli('keys', 'revoke', accountId, keyId!)).toMatchObject({
      code: 0,
      stdout: `revoked ${keyId}\n`,
    });
    // The revocation is made by another process: the service refuses the key on its next request.
    expect((await usage(key!)).statusCode).toBe(401);
    expect((await cli('keys', 'list', accountId)).stdout).toMatch(/ci runner {2}revoked \d{4}-/);
    const again = await cli('keys', 'revoke', accountId, keyId!);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no active key ${keyId}`);
  });

  it('accounts set changes the plan and limits; accounts show prints them', async () => {
    const run = await cli('accounts', 'set', accountId, '--plan', 'pro', '--rate-limit', '2000');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('plan=pro');
    const shown = await cli('accounts', 'show', 'agency@example.com');
    expect(shown.stdout).toContain(`${accountId}  agency@example.com  plan=pro  balance=$35`);
    const account = await store.db
      .selectFrom('accounts')
      .select(['plan', 'rate_limit_per_minute'])
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ plan: 'pro', rate_limit_per_minute: 2000 });
  });

  // Exit 1: the domain refuses what was asked; exit 2: the command itself is wrong (the operator fixes it).
  it.each([
    [['accounts', 'create', '--email', 'agency@example.com'], 1, 'already exists'],
    [['accounts', 'create', '--email', 'not-an-email'], 2, '--email must be an email address'],
    [['accounts', 'create', '--email', 'b@example.com', '--plan', 'gold'], 2, '--plan must be one of'],
    [
      ['accounts', 'create', '--email', 'b@example.com', '--credit', '-5'],
      2,
      '--credit must not be negative',
    ],
    [['accounts', 'create', '--email', 'b@example.com', '--credit', 'ten'], 2, '--credit must be a number'],
    [['accounts', 'create'], 2, "required option '--email <email>' not specified"],
    [['accounts', 'create', '--email', 'b@example.com', '--colour', 'red'], 2, "unknown option '--colour'"],
    [['credits', 'add', 'agency@example.com', '0'], 2, 'amount must not be 0'],
    [['credits', 'add', 'agency@example.com', 'lots'], 2, 'amount must be a number of USD'],
    [['credits', 'add', 'agency@example.com'], 2, "missing required argument 'usd'"],
    [['credits', 'add', 'nobody@example.com', '5'], 1, 'no account nobody@example.com'],
    [['credits', 'add', 'agency@example.com', '-1000'], 1, 'is not reserved'],
    [['keys', 'create', 'agency@example.com', '--mode', 'prod'], 2, '--mode must be live or test'],
    [['keys', 'revoke', 'agency@example.com', 'key_missing'], 1, 'no active key key_missing'],
    [['accounts', 'set', 'agency@example.com', '--plan', 'gold'], 2, '--plan must be one of'],
    [
      ['accounts', 'set', 'agency@example.com', '--rate-limit', '0'],
      2,
      '--rate-limit must be a positive integer',
    ],
    [['acounts', 'show', 'agency@example.com'], 2, "unknown command 'acounts'"],
  ])(
    '%j is refused with exit %i and a message naming what is wrong, and changes nothing',
    async (args, code, message) => {
      const ledgerBefore = await store.db.selectFrom('ledger_entries').select('id').execute();
      const accountsBefore = await store.db.selectFrom('accounts').selectAll().orderBy('id').execute();
      const run = await cli(...args);
      expect(run.code).toBe(code);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
      expect(await store.db.selectFrom('ledger_entries').select('id').execute()).toEqual(ledgerBefore);
      expect(await store.db.selectFrom('accounts').selectAll().orderBy('id').execute()).toEqual(
        accountsBefore,
      );
    },
  );

  it('a refusal is one line on stderr, without a stack trace', async () => {
    const run = await cli('credits', 'add', 'nobody@example.com', '5');
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'contentstats: no account nobody@example.com\n' });
  });

  it('accounts set --disable cancels the trackings and refuses the keys; --enable lets them in again', async () => {
    const created = await cli('accounts', 'create', '--email', 'disable@example.com');
    const testKey = created.stdout.match(/cs_test_\w+/)![0];
    const tracked = await service.app.inject({
      method: 'POST',
      url: '/api/v1/videos/track',
      headers: { 'x-api-key': testKey },
      payload: { video_link: 'https://www.tiktok.com/@u/video/7301234567890123456', duration_days: 1 },
    });
    expect(tracked.statusCode).toBe(201);
    const disabled = await cli('accounts', 'set', 'disable@example.com', '--disable');
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain('cancelled 1 trackings');
    expect(disabled.stdout).toContain('DISABLED');
    const video = await store.db
      .selectFrom('videos')
      .select('status')
      .where('id', '=', tracked.json().id)
      .executeTakeFirstOrThrow();
    expect(video.status).toBe('cancelled');
    // Disabled by another process: the service refuses the account's keys on their next request.
    expect((await usage(testKey)).json()).toEqual({
      error: 'Access denied',
      message: 'This account is disabled',
    });
    expect((await cli('accounts', 'set', 'disable@example.com', '--enable')).code).toBe(0);
    expect((await usage(testKey)).statusCode).toBe(200);
  });

  it('a bad configuration stops a command before it touches the database: exit 2, the variable named', async () => {
    const accountsBefore = await store.db.selectFrom('accounts').select('id').execute();
    const run = await cliWith(
      { SMTP_URL: 'mail.example.com:25' },
      'accounts',
      'create',
      '--email',
      'config@example.com',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('invalid configuration');
    expect(run.stderr).toContain('SMTP_URL');
    expect(await store.db.selectFrom('accounts').select('id').execute()).toEqual(accountsBefore);
  });
});
