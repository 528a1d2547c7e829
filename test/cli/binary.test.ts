// The real `contentstats` process (its sources through tsx, see CONTENTSTATS_BIN): what only the process shows — its exit
// code, that start-up problems are one line on stderr and not a stack trace, and a first start. Everything
// else about the commands is tested in-process (operator-commands, migrate, startup-errors).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENTSTATS_BIN, childEnv, freePort } from '../support/processes.ts';
import { createTestStore, DIALECTS, TEST_POSTGRES_URL, type TestStore } from '../support/stores.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(env: NodeJS.ProcessEnv, args: string[], cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONTENTSTATS_BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `serve` on a free port, returns what it printed up to and including "listening", stops it. */
function serveOutput(store: TestStore): Promise<{ output: string; exit: Run['code'] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONTENTSTATS_BIN, 'serve', '--no-scheduler'], {
      env: childEnv(store, { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stopped = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!stopped && output.includes('contentstats listening')) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ output, exit: code }));
  });
}

describe('the contentstats binary', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('sqlite');
  });
  afterAll(async () => {
    await store.destroy();
  });

  it('--help lists the commands and the exit codes, exit 0', async () => {
    const help = await run(childEnv(store), ['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'worker', 'migrate', 'accounts', 'credits', 'keys'])
      expect(help.stdout).toContain(command);
    expect(help.stdout).toContain('Exit codes: 0 done, 1 refused');
  });

  it('an unknown option is bad usage: exit 2', async () => {
    const wrong = await run(childEnv(store), ['migrate', '--statuss']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("unknown option '--statuss'");
  });

  it('reads .env from the working folder, and a variable set in the environment wins over it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'contentstats-dotenv-'));
    try {
      writeFileSync(join(folder, '.env'), 'LOG_LEVEL=loud\n');
      const fromFile = await run(childEnv(store), ['migrate', '--status'], folder);
      expect(fromFile.code).toBe(2);
      expect(fromFile.stderr).toContain('LOG_LEVEL: Invalid option');
      const fromEnvironment = await run(
        childEnv(store, { LOG_LEVEL: 'warn' }),
        ['migrate', '--status'],
        folder,
      );
      expect(fromEnvironment).toMatchObject({ code: 0, stderr: '' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a port already in use is one line on stderr naming the fix, exit 2', async () => {
    const port = await freePort();
    const occupant: Server = createServer();
    await new Promise<void>((resolve) => occupant.listen(port, '127.0.0.1', resolve));
    try {
      const serve = await run(childEnv(store, { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' }), [
        'serve',
      ]);
      expect(serve).toMatchObject({
        code: 2,
        stderr: `contentstats: port ${port} is already in use: stop the other process or set PORT\n`,
      });
    } finally {
      await new Promise<void>((resolve) => occupant.close(() => resolve()));
    }
  });

  it('a missing PostgreSQL database is one line on stderr naming the fix, exit 2', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = '/contentstats_no_such_database';
    const migrate = await run({ ...childEnv(store), DATABASE_URL: url.href }, ['migrate']);
    expect(migrate).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'contentstats: database "contentstats_no_such_database" does not exist: create it with createdb contentstats_no_such_database\n',
    });
  });
});

describe.each(DIALECTS)('the first start (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(async () => {
    await store.destroy();
  });

  it('the first start on an empty database says how to create an account; later starts do not', async () => {
    const first = await serveOutput(store);
    expect(first.exit).toBe(0);
    expect(first.output).toContain('No accounts yet. Create one (prints a live and a test key):');
    expect(first.output).toContain('npx contentstats accounts create --email you@example.com --credit 10');
    expect(first.output).toContain('stopped cleanly');
    const created = await run(childEnv(store, { LOG_LEVEL: 'error' }), [
      'accounts',
      'create',
      '--email',
      'first@example.com',
    ]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^account {3}acc_\w+ \(first@example\.com, plan free, balance \$0\)\n/);
    const later = await serveOutput(store);
    expect(later.exit).toBe(0);
    expect(later.output).toContain('contentstats listening');
    expect(later.output).not.toContain('No accounts yet');
    // Three starts of the real process (each compiles the sources through tsx): slow on a busy machine.
  }, 120_000);
});
