import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startBackgroundCheckpoints, WRITER_BACKSTOP_PAGES } from './checkpointer.ts';
import { type OpenStoreOptions, openStore, type Store } from './database.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contentstats-checkpoint-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}

/** About 1 MB (some 300 pages) committed in one transaction: well under the writer's own checkpoint threshold. */
async function writeAboutOneMegabyte(store: Store): Promise<void> {
  await sql`create table filler (body text not null)`.execute(store.db);
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < 500; i++) await sql`insert into filler values (${'x'.repeat(2_000)})`.execute(trx);
  });
}

async function databaseFileGrowsPast(path: string, bytes: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (statSync(path).size > bytes) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return statSync(path).size > bytes;
}

/** Whether a commit of about 1 MB reaches the database file itself within `withinMs`. */
async function commitReachesFile(options: OpenStoreOptions, withinMs: number): Promise<boolean> {
  const path = tempDatabase();
  const store = openStore(`sqlite:${path}`, options);
  try {
    await writeAboutOneMegabyte(store);
    return await databaseFileGrowsPast(path, 1_000_000, withinMs);
  } finally {
    await store.close();
  }
}

describe('background checkpoints (SQLite)', () => {
  it('copy committed pages into the database file without the writer doing it', async () => {
    // The commit left the pages in the log; the thread moves them into the file shortly after.
    expect(await commitReachesFile({ backgroundCheckpoints: { intervalMs: 10 } }, 5_000)).toBe(true);
  });

  it('without the thread, the same commit stays in the log (the writer checkpoints only at 1,000 pages)', async () => {
    expect(await commitReachesFile({}, 200)).toBe(false);
  });

  it('leave the writer only a far-off backstop of its own', async () => {
    const path = tempDatabase();
    const store = openStore(`sqlite:${path}`, { backgroundCheckpoints: true });
    try {
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db);
      expect(rows[0]?.wal_autocheckpoint).toBe(WRITER_BACKSTOP_PAGES);
    } finally {
      await store.close();
    }
  });

  it('stop when the store closes, so the writer closes last and removes the log', async () => {
    const path = tempDatabase();
    const store = openStore(`sqlite:${path}`, { backgroundCheckpoints: { intervalMs: 10 } });
    await writeAboutOneMegabyte(store);
    expect(existsSync(`${path}-wal`)).toBe(true);
    await store.close();
    // Only the last connection to close deletes the log: the thread's was closed before the writer's.
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

describe('a checkpoint thread that cannot open the database', () => {
  it('is reported to the caller instead of crashing the process', async () => {
    const failure = await new Promise<Error>((resolve) => {
      const thread = startBackgroundCheckpoints(
        join(tempDatabase(), 'missing-folder', 'store.db'),
        {},
        resolve,
      );
      void thread;
    });
    expect(failure.message).toMatch(/Cannot open database because the directory does not exist/);
  });
});

describe('a process with nothing left to do but close its store', () => {
  it('waits for the checkpoint thread to end instead of exiting first', async () => {
    const path = tempDatabase();
    const script = join(path, '..', 'close-last.mts');
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(new URL('./database.ts', import.meta.url).pathname)};
const store = openStore(${JSON.stringify(`sqlite:${path}`)}, { backgroundCheckpoints: true });
await store.db.schema.createTable('written').addColumn('a', 'integer').execute();
await store.close();
console.log('closed');`,
    );
    // Node exits with 13 when a top-level await is left pending with nothing keeping the process alive.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script]);
    expect(stdout.trim()).toBe('closed');
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
