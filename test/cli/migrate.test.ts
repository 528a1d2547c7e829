// `contentstats migrate` names each migration it applies; `migrate --status` lists them as applied or pending
// and changes nothing. In-process, on both databases.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/ids.ts';
import type { Dialect } from '../../src/store/database.ts';
import { childDatabaseUrl, createTestStore, DIALECTS, TEST_POSTGRES_URL } from '../support/stores.ts';
import { runInProcess } from './run-cli.ts';

/** Every migration the project ships, in order: one file each in src/store/migrations. */
const MIGRATIONS = readdirSync(join(import.meta.dirname, '../../src/store/migrations'))
  .filter((file) => /^\d{3}-.*\.ts$/.test(file) && !file.endsWith('.test.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();
const LAST = MIGRATIONS.at(-1);

/** A database with nothing in it yet: a new SQLite file, or a new empty PostgreSQL schema. */
async function emptyDatabase(dialect: Dialect): Promise<{ url: string; destroy: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'contentstats-migrate-'));
    return { url: `sqlite:${join(dir, 'new.db')}`, destroy: async () => rmSync(dir, { recursive: true }) };
  }
  const schema = `t_${randomBase62(12).toLowerCase()}`;
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(query);
    await client.end();
  };
  await admin(`create schema ${schema}`);
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.href, destroy: () => admin(`drop schema ${schema} cascade`) };
}

describe.each(DIALECTS)('contentstats migrate (%s)', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const migrate = (url: string, ...args: string[]) =>
    runInProcess({ DATABASE_URL: url, LOG_LEVEL: 'silent' }, ['migrate', ...args]);

  it('on a brand-new database names each migration it applied; run again, says there was nothing to apply', async () => {
    const database = await emptyDatabase(dialect);
    cleanups.push(database.destroy);
    expect(await migrate(database.url)).toEqual({
      code: 0,
      stdout: `${MIGRATIONS.map((name) => `applied ${name}\n`).join('')}database is up to date\n`,
      stderr: '',
    });
    expect(await migrate(database.url)).toEqual({
      code: 0,
      stdout: 'database is up to date (nothing to apply)\n',
      stderr: '',
    });
  });

  it('--status on a brand-new database lists every migration as pending and applies none', async () => {
    const database = await emptyDatabase(dialect);
    cleanups.push(database.destroy);
    const sqlitePath = database.url.slice('sqlite:'.length);
    expect(await migrate(database.url, '--status')).toEqual({
      code: 0,
      stdout: `${MIGRATIONS.map((name) => `pending  ${name}\n`).join('')}0 applied, ${MIGRATIONS.length} pending\n`,
      // A SQLite file is not created by looking at it (a mistyped path must not leave an empty database).
      stderr: dialect === 'sqlite' ? `no database at ${sqlitePath} yet: migrate or serve creates it\n` : '',
    });
    if (dialect === 'sqlite') expect(existsSync(sqlitePath)).toBe(false);
    // Nothing was applied by --status: migrate still has all of them to apply.
    if (dialect === 'sqlite') {
      const inMissingFolder = `sqlite:${join(sqlitePath, '..', 'typo', 'new.db')}`;
      expect(await migrate(inMissingFolder, '--status')).toEqual({
        code: 2,
        stdout: '',
        stderr: `contentstats: no SQLite database at ${inMissingFolder.slice('sqlite:'.length)}: its folder does not exist\n`,
      });
      expect(existsSync(join(sqlitePath, '..', 'typo'))).toBe(false);
    }
    expect((await migrate(database.url)).stdout.match(/^applied /gm)).toHaveLength(MIGRATIONS.length);
  });

  it('--status lists what is applied (with when) and what is pending; migrate applies only the pending', async () => {
    const store = await createTestStore(dialect, { upTo: '001-initial' });
    cleanups.push(store.destroy);
    const status = await migrate(childDatabaseUrl(store), '--status');
    expect(status.code).toBe(0);
    const pending = MIGRATIONS.slice(1);
    expect(status.stdout.split('\n')).toEqual([
      expect.stringMatching(/^applied {2}001-initial +\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      ...pending.map((name) => `pending  ${name}`),
      `1 applied, ${pending.length} pending`,
      '',
    ]);
    expect((await migrate(childDatabaseUrl(store))).stdout).toBe(
      `${pending.map((name) => `applied ${name}\n`).join('')}database is up to date\n`,
    );
    const after = (await migrate(childDatabaseUrl(store), '--status')).stdout;
    expect(after).toMatch(
      new RegExp(`^applied {2}${LAST} +\\d{4}-.*\\n${MIGRATIONS.length} applied, 0 pending\\n$`, 'm'),
    );
  });
});
