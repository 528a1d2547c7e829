// Opens the store for either dialect. Dialect differences live here and in migrations/, nowhere else.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import {
  type BackgroundCheckpointer,
  type CheckpointerOptions,
  startBackgroundCheckpoints,
  WRITER_BACKSTOP_PAGES,
} from './checkpointer.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * A SQLite connection's statements, prepared once per SQL text and run synchronously, without Kysely's
 * per-query promise chain. Prepared queries (prepared.ts) use it, and the auth-version read (auth-version.ts),
 * which reads on the write connection between writes; nothing else should.
 */
export interface SqliteStatements {
  statement(sql: string): SqliteDatabase.Statement;
  /** The statement in raw mode (each row an array of its values), prepared apart from the one above. */
  valuesStatement(sql: string): SqliteDatabase.Statement;
}

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * SQLite only: a second, read-only connection, which sees only committed data (WAL lets it read while a
   * write transaction is open on the first). Outside transactions, prepared reads run on it at once instead
   * of queueing behind writes on the one write connection.
   */
  readCommitted?: SqliteStatements;
  /** SQLite only: the write connection, for the group committer (transaction.ts) and its transactions. */
  sqliteWriter?: SqliteStatements;
  /** PostgreSQL: the schema the store lives in, when not the default. */
  pgSchema?: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /**
   * SQLite file only: checkpoint the write-ahead log on a thread of its own instead of inside the commits that
   * fill it (checkpointer.ts). For long-running processes; a short CLI command is better off without a thread.
   */
  backgroundCheckpoints?: boolean | CheckpointerOptions;
  /** PostgreSQL only: the schema to use (tests give each run its own). */
  pgSchema?: string;
  /** PostgreSQL only: pool size. */
  pgPoolSize?: number;
  /** PostgreSQL only: the connections' application_name (pg_stat_activity shows which role holds each). */
  applicationName?: string;
}

export function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Store {
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(databaseUrl.slice('sqlite:'.length), options);
  return openPostgres(databaseUrl, options);
}

/**
 * The database holds emails, key hashes and the ledger: only the service's user may read it. A folder made here
 * is 0700 (an existing folder is the operator's to set); the database file is created 0600 before SQLite opens
 * it, because SQLite creates the -wal and -shm files with the database file's permissions.
 */
function restrictToOwner(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  // Files an earlier version (or a laxer umask) left readable to others.
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // Absent (no log yet), or owned by another user who keeps its mode: SQLite still opens it as before.
    }
  }
}

function openSqlite(path: string, options: OpenStoreOptions): Store {
  if (path !== ':memory:') restrictToOwner(path);
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Another process (the CLI) may hold the write lock briefly; wait instead of failing.
  sqlite.pragma('busy_timeout = 5000');
  // A savepoint keeps the pages it changes until it is released; SQLite's default spills that past 64 KiB to a
  // temporary file, which a batch of writes always did (a file created, written and deleted per commit).
  sqlite.pragma('temp_store = MEMORY');
  // SQLite's default page cache is 2 MB; tracked videos, snapshots and the ledger are touched at random keys,
  // so a larger cache and memory-mapped reads keep a busy scheduler off the disk.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('mmap_size = 268435456');
  const sqliteWriter = statementsOf(sqlite);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite, sqliteWriter) }),
  });
  if (path === ':memory:') return { db, dialect: 'sqlite', sqliteWriter, close: () => db.destroy() };
  const reader = new SqliteDatabase(path, { readonly: true });
  reader.pragma('cache_size = -65536');
  reader.pragma('mmap_size = 268435456');
  let checkpointer: BackgroundCheckpointer | undefined;
  if (options.backgroundCheckpoints) {
    sqlite.pragma(`wal_autocheckpoint = ${WRITER_BACKSTOP_PAGES}`);
    checkpointer = startBackgroundCheckpoints(
      path,
      typeof options.backgroundCheckpoints === 'object' ? options.backgroundCheckpoints : {},
      // Without the thread, the writer checkpoints as SQLite does by default.
      () => sqlite.pragma('wal_autocheckpoint = 1000'),
    );
  }
  return {
    db,
    dialect: 'sqlite',
    readCommitted: statementsOf(reader),
    sqliteWriter,
    close: async () => {
      // The writer closes last: closing the last connection checkpoints what is left and removes the log.
      await checkpointer?.stop();
      reader.close();
      await db.destroy();
    },
  };
}

const STATEMENT_CACHE_SIZE = 500;

let sqliteWritesStarted = 0;

/**
 * How many statements that can change a SQLite database (writes, BEGIN, COMMIT, …) this process has taken from
 * its connections' statement caches. Every change this process makes to a SQLite database takes one, and it is
 * counted before it runs: a reader that kept something from the database sees this move before the change is
 * visible (see committed-data.ts). Statements prepared once and run inside a transaction are not counted
 * again: what they change becomes visible with the COMMIT, which is.
 */
export function sqliteWritesInThisProcess(): number {
  return sqliteWritesStarted;
}

/**
 * A connection's prepared statements by SQL text, most recently used kept (preparing costs more than running a
 * small statement). Prepared queries and Kysely's own queries (withStatementCache) share it.
 */
function statementsOf(sqlite: SqliteDatabase.Database): SqliteStatements {
  const cache = new Map<string, SqliteDatabase.Statement>();
  const cached = (sql: string, raw: boolean) => {
    // Raw statements under keys no SQL text has: raw mode is a setting of the statement object.
    const key = raw ? `\u0000raw ${sql}` : sql;
    let statement = cache.get(key);
    if (statement) {
      cache.delete(key);
    } else {
      statement = raw ? sqlite.prepare(sql).raw(true) : sqlite.prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(key, statement);
    if (!statement.reader) sqliteWritesStarted++;
    return statement;
  };
  return {
    statement: (sql) => cached(sql, false),
    valuesStatement: (sql) => cached(sql, true),
  };
}

/** Kysely prepares every query anew: its connection takes statements from the connection's shared cache. */
function withStatementCache(
  sqlite: SqliteDatabase.Database,
  statements: SqliteStatements,
): SqliteDatabase.Database {
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property === 'prepare') return statements.statement;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

// int8 (COUNT, BIGINT money and times) arrives as a JS number: every such value we store is far below 2^53.
// Platform counts are read as text instead (snapshots.ts), so they never pass through this parser.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

function openPostgres(url: string, options: OpenStoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.pgPoolSize ?? 10,
    types: pgTypes as pg.CustomTypesConfig,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
    ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    ...(options.pgSchema ? { pgSchema: options.pgSchema } : {}),
    close: async () => {
      await db.destroy();
    },
  };
}
