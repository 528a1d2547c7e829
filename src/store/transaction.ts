import { type Kysely, sql } from 'kysely';
import type { Dialect, Store } from './database.ts';
import type { Database } from './schema.ts';

/** What a query needs: a connection (or a transaction) and which dialect it speaks. */
export interface Executor {
  db: Kysely<Database>;
  dialect: Dialect;
}

/**
 * Runs `work` in one write transaction. SQLite takes the write lock up front (BEGIN IMMEDIATE) so a
 * read-then-write inside can never be overtaken by another process; PostgreSQL callers lock the rows they
 * check (see lockAccount). Whatever `work` throws rolls everything back.
 */
export async function writeTransaction<T>(store: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  if (store.dialect === 'postgres') {
    return store.db.transaction().execute((trx) => work({ db: trx, dialect: 'postgres' }));
  }
  return store.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work({ db: connection, dialect: 'sqlite' });
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

export type { Store };
