// Real databases for tests: a fresh SQLite file in a temp folder, or a fresh schema in the PostgreSQL
// server on this machine (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomBase62 } from '../../src/ids.ts';
import { type Dialect, openStore, type Store } from '../../src/store/database.ts';
import { migrateToLatest, migrateUpTo } from '../../src/store/migrate.ts';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore extends Store {
  /** The DATABASE_URL another process would use to open this same database. */
  url: string;
  pgSchema?: string;
  /** Closes the store and deletes the database. */
  destroy(): Promise<void>;
}

/** The DATABASE_URL a child process opens: the same database; on PostgreSQL the test's own schema. */
export function childDatabaseUrl(store: TestStore): string {
  if (store.dialect === 'sqlite') return store.url;
  const url = new URL(store.url);
  // node-postgres passes `options` to the server at connection time, so every pooled connection uses it.
  url.searchParams.set('options', `-c search_path=${store.pgSchema}`);
  return url.href;
}

/** A fresh store, migrated to the latest schema or, with `upTo`, only up to that migration. */
export async function createTestStore(dialect: Dialect, options: { upTo?: string } = {}): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'contentstats-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    const store = openStore(url);
    await mustMigrate(store, options.upTo);
    return {
      ...store,
      url,
      destroy: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const pgSchema = `t_${randomBase62(12).toLowerCase()}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${pgSchema}`);
  await admin.end();
  const store = openStore(TEST_POSTGRES_URL, { pgSchema, pgPoolSize: 20 });
  await mustMigrate(store, options.upTo);
  return {
    ...store,
    url: TEST_POSTGRES_URL,
    pgSchema,
    destroy: async () => {
      await store.close();
      const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`drop schema ${pgSchema} cascade`);
      await cleanup.end();
    },
  };
}

async function mustMigrate(store: Store, upTo: string | undefined): Promise<void> {
  const result = upTo ? await migrateUpTo(store, upTo) : await migrateToLatest(store);
  if (!result.ok) throw new Error(`migration failed: ${result.error.message}`);
}
