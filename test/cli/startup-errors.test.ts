// A command that cannot start because of something the operator fixes outside contentstats (a database to
// create, a server to start, a port to free, a folder to make writable) says so in one line on stderr and
// exits 2, whichever command it is. Run in-process; test/cli/binary.test.ts checks the real process too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyDatabaseError,
  classifyListenError,
  describeStartupProblem,
} from '../../src/cli/startup-errors.ts';
import { freePort } from '../support/processes.ts';
import { TEST_POSTGRES_URL } from '../support/stores.ts';
import { runInProcess } from './run-cli.ts';

/** Every command that opens the database, as `[command line, arguments]`. */
const COMMANDS = [
  ['migrate'],
  ['migrate', '--status'],
  ['worker'],
  ['serve', '--no-scheduler'],
  ['accounts', 'create', '--email', 'a@example.com'],
  ['accounts', 'show', 'a@example.com'],
  ['credits', 'add', 'a@example.com', '5'],
  ['keys', 'list', 'a@example.com'],
].map((args) => [args.join(' '), args] as const);

const postgresUrl = (change: (url: URL) => void): string => {
  const url = new URL(TEST_POSTGRES_URL);
  change(url);
  return url.href;
};

describe('start-up problems are one line naming the fix, exit 2', () => {
  let refusedPort: number;
  let folder: string;
  beforeAll(async () => {
    refusedPort = await freePort();
    folder = mkdtempSync(join(tmpdir(), 'contentstats-startup-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const expectOneLine = async (env: Record<string, string>, args: readonly string[], line: string) => {
    const run = await runInProcess({ LOG_LEVEL: 'silent', ...env }, [...args]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `contentstats: ${line}\n` });
  };

  it.each(COMMANDS)('%s: a PostgreSQL server that refuses the connection', async (_commandLine, args) => {
    await expectOneLine(
      { DATABASE_URL: `postgres://postgres@127.0.0.1:${refusedPort}/contentstats` },
      args,
      `cannot connect to PostgreSQL at 127.0.0.1:${refusedPort} (connection refused): is the server running?`,
    );
  });

  it.each(COMMANDS)('%s: a PostgreSQL database that does not exist', async (_commandLine, args) => {
    await expectOneLine(
      { DATABASE_URL: postgresUrl((url) => (url.pathname = '/contentstats_missing')) },
      args,
      'database "contentstats_missing" does not exist: create it with createdb contentstats_missing',
    );
  });

  it('a PostgreSQL role that does not exist', async () => {
    await expectOneLine(
      { DATABASE_URL: postgresUrl((url) => (url.username = 'contentstats_nobody')) },
      ['migrate'],
      'PostgreSQL refused the login of user "contentstats_nobody" (role "contentstats_nobody" does not exist): check the user and password in DATABASE_URL',
    );
  });

  it.each(COMMANDS)('%s: a SQLite path whose folder cannot be created', async (_commandLine, args) => {
    const file = join(folder, 'a-file');
    writeFileSync(file, '');
    await expectOneLine(
      { DATABASE_URL: `sqlite:${file}/contentstats.db` },
      args,
      `cannot open the SQLite database ${file}/contentstats.db (a file is in the way of its folder): make its folder writable or set DATABASE_URL`,
    );
  });

  it('serve on a port already in use stops what it started and says so', async () => {
    const port = await freePort();
    const occupant: Server = createServer();
    await new Promise<void>((resolve) => occupant.listen(port, '127.0.0.1', resolve));
    try {
      await expectOneLine(
        { DATABASE_URL: `sqlite:${join(folder, 'serve.db')}`, HOST: '127.0.0.1', PORT: String(port) },
        ['serve', '--no-scheduler'],
        `port ${port} is already in use: stop the other process or set PORT`,
      );
    } finally {
      await new Promise<void>((resolve) => occupant.close(() => resolve()));
    }
  });
});

describe('classifying start-up errors', () => {
  it('a wrong password names the user and the variable to fix', () => {
    const error = new pg.DatabaseError('password authentication failed for user "app"', 0, 'error');
    error.code = '28P01';
    const problem = classifyDatabaseError(error, 'postgres://app:wrong@db.example.com/contentstats');
    expect(problem && describeStartupProblem(problem)).toBe(
      'PostgreSQL refused the login of user "app" (password authentication failed for user "app"): check the user and password in DATABASE_URL',
    );
  });

  it('a host name with several addresses, all refusing, is still a refused connection', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    const problem = classifyDatabaseError(new AggregateError([refused]), 'postgres://localhost/contentstats');
    expect(problem).toEqual({
      kind: 'database_unreachable',
      host: 'localhost',
      port: 5432,
      reason: 'connection refused',
    });
  });

  it('a privileged port, an address not on this machine', () => {
    const code = (c: string) => Object.assign(new Error(c), { code: c });
    expect(describeStartupProblem(classifyListenError(code('EACCES'), { host: '0.0.0.0', port: 80 })!)).toBe(
      'not allowed to listen on port 80 (permission denied): use a port above 1023 or set PORT',
    );
    expect(
      describeStartupProblem(classifyListenError(code('EADDRNOTAVAIL'), { host: '10.9.8.7', port: 3000 })!),
    ).toBe(
      'cannot listen on 10.9.8.7 (not an address of this machine): set HOST to an address of this machine, or 0.0.0.0',
    );
  });

  it('anything else is left unclassified (a bug keeps its stack trace)', () => {
    expect(classifyDatabaseError(new TypeError('x is undefined'), 'postgres://localhost/db')).toBeUndefined();
    expect(
      classifyDatabaseError(Object.assign(new Error('syntax'), { code: '42601' }), 'postgres://h/db'),
    ).toBeUndefined();
    expect(classifyListenError(new Error('odd'), { host: '0.0.0.0', port: 1 })).toBeUndefined();
  });
});
