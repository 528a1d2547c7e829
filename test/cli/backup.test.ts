// `contentstats backup <file>` copies a SQLite database while another process writes to it: the copy opens,
// passes SQLite's integrity check and holds the money and snapshot invariants of docs/architecture.md. The
// writer is this test process (the snapshot engine recording live slots with charges as fast as it can); the
// backup is the real command in a process of its own, so the two truly run at once.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { openStore } from '../../src/store/database.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine, scriptedCollector } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { CONTENTSTATS_BIN, childEnv } from '../support/processes.ts';
import { seedDueLiveVideos } from '../support/seed-due-videos.ts';
import { createTestStore, type TestStore } from '../support/stores.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function contentstats(env: NodeJS.ProcessEnv, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONTENTSTATS_BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
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

const snapshotCount = async (store: Pick<TestStore, 'db'>) =>
  Number(
    (
      await store.db
        .selectFrom('snapshots')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('backup of a SQLite database under write load', () => {
  let api: TestApi;
  let folder: string;
  const interval = 60;

  beforeAll(async () => {
    const clock = new TestClock();
    const tiktok = scriptedCollector('tiktok', clock);
    api = await createTestApi('sqlite', {
      clock,
      config: { snapshotIntervalSeconds: interval },
      liveCollectors: { tiktok: tiktok.collector },
    });
    folder = mkdtempSync(join(tmpdir(), 'contentstats-backup-'));
  });
  afterAll(async () => {
    await api.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('the copy is consistent: it opens, passes the integrity check and the invariants hold', async () => {
    const { accountId } = await seedDueLiveVideos(api.store, {
      videos: 2_000,
      dueAt: api.clock.now(),
      intervalSeconds: interval,
      durationDays: 2,
      costMicroUsd: 15_000,
      platformVideoId: (i) => String(7_300_000_000_000_000_000n + BigInt(i)),
    });
    const engine = createTestEngine(api, { soleScheduler: true });
    const before = await snapshotCount(api.store);

    // Writes slot after slot (each pass records 2,000 snapshots with their charges) until the backup is done.
    let backupDone = false;
    let passes = 0;
    const writer = (async () => {
      while (!backupDone) {
        await engine.runDue();
        api.clock.advance(interval * 1000);
        passes++;
      }
    })();
    const file = join(folder, 'copy.db');
    const backup = await contentstats(childEnv(api.store, { LOG_LEVEL: 'warn' }), ['backup', file, '--json']);
    const passesDuringBackup = passes;
    backupDone = true;
    await writer;

    expect(backup).toMatchObject({ code: 0, stderr: '' });
    const reported = JSON.parse(backup.stdout) as { file: string; bytes: number; pages: number };
    expect(reported).toMatchObject({ file, bytes: statSync(file).size });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(passesDuringBackup).toBeGreaterThan(0);

    const copy = openStore(`sqlite:${file}`);
    try {
      const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(copy.db);
      expect(integrity.rows).toEqual([{ integrity_check: 'ok' }]);
      await expectInvariants(copy, accountId);
      // A snapshot taken somewhere between the seed and the end of the writes.
      const copied = await snapshotCount(copy);
      expect(copied).toBeGreaterThanOrEqual(before);
      expect(copied).toBeLessThanOrEqual(await snapshotCount(api.store));
    } finally {
      await copy.close();
    }
    await expectInvariants(api.store, accountId);
  }, 120_000);

  it('refuses to overwrite a file, exit 1, and leaves it alone', async () => {
    const file = join(folder, 'taken.db');
    writeFileSync(file, 'keep me');
    expect(await contentstats(childEnv(api.store, { LOG_LEVEL: 'warn' }), ['backup', file])).toEqual({
      code: 1,
      stdout: '',
      stderr: `contentstats: ${file} already exists: name a new file\n`,
    });
    expect(statSync(file).size).toBe(7);
  });
});

describe('backup on PostgreSQL', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('postgres');
  });
  afterAll(async () => {
    await store.destroy();
  });

  it('is refused with the pg_dump command to use instead, exit 2, and writes nothing', async () => {
    const file = join(tmpdir(), `contentstats-never-${Date.now()}.db`);
    const run = await contentstats(childEnv(store), ['backup', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('DATABASE_URL is PostgreSQL: use pg_dump');
    expect(existsSync(file)).toBe(false);
  });
});
