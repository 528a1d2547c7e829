// Migrations land in the schema the connection uses, even when other schemas of the same PostgreSQL database
// already hold contentstats' tables and Kysely's bookkeeping (one database, a schema per environment).
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/ids.ts';
import { openStore } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { createTestStore, TEST_POSTGRES_URL } from '../support/stores.ts';

async function admin(query: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query(query)).rows.map((row) => Object.values(row).join());
  } finally {
    await client.end();
  }
}

describe('migrating PostgreSQL', () => {
  it('a DATABASE_URL that picks a schema with search_path gets its own tables there', async () => {
    // Another schema already migrated: Kysely would find its bookkeeping there unless pinned to ours.
    const other = await createTestStore('postgres');
    const schema = `t_${randomBase62(12).toLowerCase()}`;
    await admin(`create schema ${schema}`);
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const store = openStore(url.href);
    try {
      expect(await migrateToLatest(store)).toEqual({ ok: true, applied: ['001-initial'] });
      expect(await migrateToLatest(store)).toEqual({ ok: true, applied: [] });
      const tables = await admin(
        `select table_name from information_schema.tables where table_schema = '${schema}' order by 1`,
      );
      expect(tables).toEqual(expect.arrayContaining(['accounts', 'ledger_entries', 'snapshots', 'videos']));
      expect(tables).toContain('kysely_migration');
    } finally {
      await store.close();
      await admin(`drop schema ${schema} cascade`);
      await other.destroy();
    }
  });
});

describe('migrating PostgreSQL while other schemas come and go', () => {
  it('is not disturbed by a schema dropped during the migration', async () => {
    // Another tenant (or another test file) creating and dropping schemas with tables, as fast as it can.
    let churning = true;
    const churn = (async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        while (churning) {
          const name = `t_churn_${randomBase62(8).toLowerCase()}`;
          await client.query(
            `create schema ${name}; create table ${name}.a (id bigserial primary key, b text)`,
          );
          await client.query(`drop schema ${name} cascade`);
        }
      } finally {
        await client.end();
      }
    })();
    const failures: string[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const schema = `t_${randomBase62(12).toLowerCase()}`;
        await admin(`create schema ${schema}`);
        const store = openStore(TEST_POSTGRES_URL, { pgSchema: schema });
        try {
          const result = await migrateToLatest(store);
          if (!result.ok) failures.push(result.error);
        } finally {
          await store.close();
          await admin(`drop schema ${schema} cascade`);
        }
      }
    } finally {
      churning = false;
      await churn;
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
