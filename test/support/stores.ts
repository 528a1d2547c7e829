// Real databases for tests: a fresh SQLite file in a temp folder, or a fresh schema in the PostgreSQL
// server on this machine (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { randomBase62 } from '../../src/ids.ts';
import { type Dialect, openStore, type Store } from '../../src/store/database.ts';
import { migrateToLatest, migrateUpTo } from '../../src/store/migrate.ts';
import type { Database } from '../../src/store/schema.ts';

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
  if (options.upTo) {
    await adminQuery(`create schema ${pgSchema}`);
  } else {
    await createMigratedSchema(pgSchema);
  }
  const store = openStore(TEST_POSTGRES_URL, { pgSchema, pgPoolSize: 20 });
  if (options.upTo) await mustMigrate(store, options.upTo);
  return {
    ...store,
    url: TEST_POSTGRES_URL,
    pgSchema,
    destroy: async () => {
      await store.close();
      await adminQuery(`drop schema ${pgSchema} cascade`);
    },
  };
}

async function mustMigrate(store: Store, upTo: string | undefined): Promise<void> {
  const result = upTo ? await migrateUpTo(store, upTo) : await migrateToLatest(store);
  if (!result.ok) throw new Error(`migration failed: ${result.error.message}`);
}

// Connections kept per test process for creating and dropping schemas (each new one costs a server process).
let adminPool: pg.Pool | undefined;
function admin(): pg.Pool {
  adminPool ??= new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 2, allowExitOnIdle: true });
  return adminPool;
}
async function adminQuery(text: string): Promise<void> {
  await admin().query(text);
}

interface RecordedStatement {
  sql: string;
  parameters: readonly unknown[];
}

interface MigrationRecording {
  /** The schema the real migration ran in; the recorded SQL names it where Kysely qualifies its own tables. */
  schema: string;
  statements: RecordedStatement[];
  /** Tables, indexes, sequences, functions and triggers the real migration left: each copy must have as many. */
  objectCount: number;
}

let recording: Promise<MigrationRecording> | undefined;

/**
 * A schema as `migrateToLatest` leaves it. The first one in a test process runs the real migrator and records
 * the statements it changed the schema with; the next ones replay them in one transaction, which skips the
 * migrator's catalog queries and lock (most of a migration's time on PostgreSQL). The migrator itself is
 * tested where it matters: test/store/migrate.test.ts and every `upTo` store.
 */
async function createMigratedSchema(schema: string): Promise<void> {
  if (!recording) {
    recording = recordMigration(schema);
    try {
      await recording;
    } catch (error) {
      recording = undefined;
      throw error;
    }
    return;
  }
  const { schema: recordedIn, statements, objectCount } = await recording;
  const client = await admin().connect();
  try {
    await client.query('begin');
    await client.query(`create schema ${schema}`);
    await client.query(`set local search_path to ${schema}`);
    for (const statement of statements) {
      await client.query(statement.sql.replaceAll(`"${recordedIn}"`, `"${schema}"`), [
        ...statement.parameters,
      ]);
    }
    const copied = await countObjects(client, schema);
    if (copied !== objectCount)
      throw new Error(`schema copy has ${copied} objects, the migrated schema had ${objectCount}`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

async function recordMigration(schema: string): Promise<MigrationRecording> {
  await adminQuery(`create schema ${schema}`);
  const statements: RecordedStatement[] = [];
  const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, options: `-c search_path=${schema}` });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log(event) {
      // Reads, the migrator's lock and its transaction are the migrator's business, not the schema's.
      if (event.level === 'query' && !/^\s*(select|with|begin|commit)\b/i.test(event.query.sql))
        statements.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  try {
    await mustMigrate({ db, dialect: 'postgres', pgSchema: schema, close: () => db.destroy() }, undefined);
    const client = await pool.connect();
    try {
      return { schema, statements, objectCount: await countObjects(client, schema) };
    } finally {
      client.release();
    }
  } finally {
    await db.destroy();
  }
}

async function countObjects(client: pg.PoolClient, schema: string): Promise<number> {
  const result = await client.query<{ count: string }>(
    `select (select count(*) from pg_class where relnamespace = $1::regnamespace)
          + (select count(*) from pg_proc where pronamespace = $1::regnamespace)
          + (select count(*) from pg_trigger t join pg_class c on c.oid = t.tgrelid
             where c.relnamespace = $1::regnamespace) as count`,
    [schema],
  );
  return Number(result.rows[0]!.count);
}
