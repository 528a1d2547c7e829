// Gauges read from the database (videos monitored, outbox backlog) are the same whichever process reads them:
// summed over a fleet of API processes and workers they would count each video once per process. So exactly one
// process reports them, the fleet reporter: on PostgreSQL whichever holds a session advisory lock (keyed by
// the schema, so each deployment sharing a database server has its own); when that process stops or loses its
// connection, the lock is freed and the next process to be scraped takes it. On SQLite there is one process.
import { type Kysely, sql } from 'kysely';
import type { Store } from './database.ts';
import type { Database } from './schema.ts';

/** The lock's first key: "cs" + "fr" (contentstats fleet reporter); the second is the schema's hash. */
const LOCK_NAMESPACE = 0x63_73_66_72;

export interface FleetReporter {
  /** Whether this process reports the fleet's database gauges now (takes the lock if it is free). */
  isReporter(): Promise<boolean>;
  /** Gives the lock and its connection back; call before closing the store. */
  close(): Promise<void>;
}

export function createFleetReporter(store: Store): FleetReporter {
  if (store.dialect === 'sqlite') return { isReporter: async () => true, close: async () => undefined };
  let held: { db: Kysely<Database>; release: () => void; ended: Promise<void> } | undefined;
  let closed = false;

  const tryLock = async (db: Kysely<Database>): Promise<boolean> => {
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_lock(${LOCK_NAMESPACE}, hashtext(current_schema())) as locked`.execute(db);
    return rows[0]?.locked === true;
  };

  /** Borrows a connection from the pool and keeps it, pinned, for as long as it holds the lock. */
  const acquire = () =>
    new Promise<boolean>((answer) => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const ended = store.db
        .connection()
        .execute(async (db) => {
          if (!(await tryLock(db))) return answer(false);
          held = { db, release, ended };
          answer(true);
          await released;
          await sql`select pg_advisory_unlock_all()`.execute(db).catch(() => undefined);
        })
        .catch(() => answer(false));
    });

  return {
    async isReporter() {
      if (closed) return false;
      if (held) {
        try {
          await sql`select 1`.execute(held.db);
          return true;
        } catch {
          // The connection is gone, and the lock with it: try again from a fresh connection.
          held.release();
          held = undefined;
        }
      }
      return acquire();
    },
    async close() {
      closed = true;
      const current = held;
      held = undefined;
      current?.release();
      await current?.ended;
    },
  };
}
