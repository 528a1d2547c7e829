// `contentstats migrate` names each migration it applies; `migrate --status` lists them as applied or pending
// and changes nothing. In-process, on both databases.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/ids.ts';
import type { Dialect } from '../../src/store/database.ts';
import { childDatabaseUrl, createTestStore, DIALECTS, TEST_POSTGRES_URL } from '../support/stores.ts';
import { runInProcess } from './run-cli.ts';

const MIGRATIONS = ['001-initial', '002-account-usage', '003-rate-limit-windows'];

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
    expect(await migrate(database.url, '--status')).toEqual({
      code: 0,
      stdout: `${MIGRATIONS.map((name) => `pending  ${name}\n`).join('')}0 applied, 3 pending\n`,
      stderr: '',
    });
    // Nothing was applied by --status: migrate still has all three to apply.
    expect((await migrate(database.url)).stdout.match(/^applied /gm)).toHaveLength(3);
  });

  it('--status lists what is applied (with when) and what is pending; migrate applies only the pending', async () => {
    const store = await createTestStore(dialect, { upTo: '001-initial' });
    cleanups.push(store.destroy);
    const status = await migrate(childDatabaseUrl(store), '--status');
    expect(status.code).toBe(0);
    expect(status.stdout.split('\n')).toEqual([
      expect.stringMatching(/^applied {2}001-initial +\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      'pending  002-account-usage',
      'pending  003-rate-limit-windows',
      '1 applied, 2 pending',
      '',
    ]);
    expect((await migrate(childDatabaseUrl(store))).stdout).toBe(
      'applied 002-account-usage\napplied 003-rate-limit-windows\ndatabase is up to date\n',
    );
    expect((await migrate(childDatabaseUrl(store), '--status')).stdout).toMatch(
      /^applied {2}003-rate-limit-windows {2}\d{4}-.*\n3 applied, 0 pending\n$/m,
    );
  });
});
