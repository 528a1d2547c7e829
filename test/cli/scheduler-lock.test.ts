// Embedded mode's scheduler is alone on its SQLite file: a second `serve`, or a `worker` beside a `serve`, is
// refused at start with one line naming the fix (exit 2), and a SIGKILLed server leaves no stale lock behind.
// Workers lease, so several may share a file. The lock is SQLite's own, held by the process (scheduler-lock.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { takeSchedulerLock } from '../../src/store/scheduler-lock.ts';
import { CONTENTSTATS_BIN, freePort } from '../support/processes.ts';
import { runInProcess } from './run-cli.ts';

describe('the scheduler lock of a SQLite file', () => {
  let folder: string;
  const held: { release(): void }[] = [];
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'contentstats-lock-'));
  });
  afterEach(() => {
    for (const lock of held.splice(0)) lock.release();
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const take = (file: string, role: 'sole' | 'leasing') => {
    const taken = takeSchedulerLock(join(folder, file), role);
    if (taken.ok) held.push(taken.value);
    return taken.ok ? 'taken' : taken.error.kind;
  };

  it('a sole scheduler excludes every other; leasing schedulers share; a release frees it', () => {
    expect(take('a.db', 'sole')).toBe('taken');
    expect(take('a.db', 'sole')).toBe('scheduler_lock_held');
    expect(take('a.db', 'leasing')).toBe('scheduler_lock_held');
    expect(take('b.db', 'leasing')).toBe('taken');
    expect(take('b.db', 'leasing')).toBe('taken');
    expect(take('b.db', 'sole')).toBe('scheduler_lock_held');
    // Another database's lock is its own.
    expect(take('c.db', 'sole')).toBe('taken');
    for (const lock of held.splice(0)) lock.release();
    expect(take('a.db', 'sole')).toBe('taken');
  });

  describe('between processes', () => {
    let first: ChildProcess | undefined;
    afterEach(() => {
      first?.kill('SIGKILL');
    });

    const startServe = async (databaseUrl: string): Promise<ChildProcess> => {
      const child = spawn(process.execPath, [CONTENTSTATS_BIN, 'serve'], {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          HOST: '127.0.0.1',
          PORT: String(await freePort()),
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('contentstats listening')) resolve();
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)));
      });
      return child;
    };

    it('a second serve or a worker on the file of a running serve is refused; after a SIGKILL it starts', async () => {
      const path = join(folder, 'served.db');
      const databaseUrl = `sqlite:${path}`;
      first = await startServe(databaseUrl);
      const refusal = `contentstats: another contentstats process runs the scheduler on ${path}: stop it, or start this one as serve --no-scheduler (several schedulers on one database need PostgreSQL)\n`;
      const env = { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
      expect(await runInProcess({ ...env, PORT: String(await freePort()) }, ['serve'])).toEqual({
        code: 2,
        stdout: '',
        stderr: refusal,
      });
      expect(await runInProcess({ ...env, PORT: String(await freePort()) }, ['worker'])).toEqual({
        code: 2,
        stdout: '',
        stderr: refusal,
      });

      // Killed without a chance to clean up: the kernel drops the lock with the process.
      first.kill('SIGKILL');
      await once(first, 'exit');
      first = await startServe(databaseUrl);
    });
  });
});
