import type { Kysely } from 'kysely';
import type { Dialect, SqliteStatements, Store } from './database.ts';
import type { Database } from './schema.ts';

/** What a query needs: a connection (or a transaction) and which dialect it speaks. */
export interface Executor {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * Set on a SQLite write transaction's executor: the connection the transaction holds, so prepared queries
   * run on it synchronously. Never set outside a transaction, where a write must wait for the connection.
   */
  sqliteTransaction?: SqliteStatements;
}

declare const insideWriteTransaction: unique symbol;

/**
 * An executor inside a write transaction: its writes commit together with the rest of the transaction's. Only
 * writeTransaction makes one, so a function that takes a `Tx` can only be called inside a transaction.
 */
export type Tx = Executor & { readonly [insideWriteTransaction]: true };

/**
 * An executor outside any write transaction: the only kind that may open one. Opening a transaction inside
 * another fails on both dialects (Kysely refuses a nested transaction on PostgreSQL; a SQLite transaction's
 * executor has no group committer), so passing a `Tx` here does not compile.
 */
export type NotInTransaction = Executor & { readonly [insideWriteTransaction]?: never };

/** The brand is a type only: at run time a `Tx` is the executor the transaction runs on. */
const asTx = (executor: Executor): Tx => executor as Tx;

/** What writeTransaction knows of each transaction it runs: its database, and what to do once it commits. */
interface TransactionState {
  /** The database it writes to (the store's Kysely instance): the same object for every transaction of it. */
  database: object;
  onCommit: Array<() => void>;
}

const transactions = new WeakMap<Executor, TransactionState>();

function beginTx(executor: Executor, database: object): { tx: Tx; state: TransactionState } {
  const tx = asTx(executor);
  const state: TransactionState = { database, onCommit: [] };
  transactions.set(tx, state);
  return { tx, state };
}

/**
 * Runs `callback` once the transaction commits, never if it rolls back: for caches of what the transaction
 * wrote, which must not outlive a rollback. (A write that shares a SQLite commit runs it after that commit.)
 */
export function afterCommit(tx: Tx, callback: () => void): void {
  transactions.get(tx)?.onCommit.push(callback);
}

/** The database an executor reads and writes: one object per database, whichever transaction is open on it. */
export function databaseOf(ex: Executor): object {
  return transactions.get(ex)?.database ?? ex.db;
}

/**
 * Runs `work` in one write transaction: it commits entirely or not at all, and whatever it throws rolls its
 * writes back. SQLite takes the write lock up front (BEGIN IMMEDIATE) so a read-then-write inside can never
 * be overtaken by another process; PostgreSQL callers lock the rows they check (see lockAccount).
 */
export async function writeTransaction<T>(store: NotInTransaction, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (store.dialect === 'postgres') {
    let committed: TransactionState | undefined;
    const result = await store.db.transaction().execute((trx) => {
      const { tx, state } = beginTx({ db: trx, dialect: 'postgres' }, store.db);
      committed = state;
      return work(tx);
    });
    for (const callback of committed?.onCommit ?? []) callback();
    return result;
  }
  return groupCommitterFor(store).run(work);
}

// ---- SQLite group commit ----
// One SQLite connection runs every write in turn, and a commit costs more than a small transaction's
// statements. Writes that arrive while a transaction is running therefore share the next one: each runs
// inside its own SAVEPOINT (so a failing one is undone alone), one COMMIT makes them all durable, and only
// then is each caller answered. A lone write still commits at once.

const MAX_WRITES_PER_COMMIT = 64;

interface QueuedWrite {
  work: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

class GroupCommitter {
  private readonly queue: QueuedWrite[] = [];
  private running = false;

  constructor(
    private readonly db: Kysely<Database>,
    /** The same connection Kysely holds, for transaction control and prepared queries without a promise. */
    private readonly writer: SqliteStatements,
  ) {}

  private control(statement: string): void {
    this.writer.statement(statement).run();
  }

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        // Start on the next turn of the event loop, so writes issued in this one share the commit.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commitBatch(this.queue.splice(0, MAX_WRITES_PER_COMMIT));
    } finally {
      this.running = false;
    }
  }

  private async commitBatch(batch: QueuedWrite[]): Promise<void> {
    const outcomes: Array<{ write: QueuedWrite; ok: boolean; value: unknown; state?: TransactionState }> = [];
    try {
      // Holding Kysely's connection keeps every other query on it waiting until this transaction ends.
      await this.db.connection().execute(async (connection) => {
        this.control('begin immediate');
        try {
          for (const write of batch) {
            const { tx, state } = beginTx(
              { db: connection, dialect: 'sqlite', sqliteTransaction: this.writer },
              this.db,
            );
            this.control('savepoint write');
            try {
              const value = await write.work(tx);
              this.control('release write');
              outcomes.push({ write, ok: true, value, state });
            } catch (error) {
              this.control('rollback to write');
              this.control('release write');
              outcomes.push({ write, ok: false, value: error });
            }
          }
          this.control('commit');
        } catch (error) {
          try {
            this.control('rollback');
          } catch {
            // The error being thrown already says what went wrong.
          }
          throw error;
        }
      });
    } catch (error) {
      // The transaction itself failed (BEGIN or COMMIT): nothing of the batch was kept.
      for (const write of batch) write.reject(error);
      return;
    }
    for (const { write, ok, value, state } of outcomes) {
      if (ok) for (const callback of state?.onCommit ?? []) callback();
      (ok ? write.resolve : write.reject)(value);
    }
  }
}

const committers = new WeakMap<Kysely<Database>, GroupCommitter>();

function groupCommitterFor(store: Executor & Pick<Store, 'sqliteWriter'>): GroupCommitter {
  let committer = committers.get(store.db);
  if (!committer) {
    if (!store.sqliteWriter) throw new Error('a SQLite write transaction needs a store opened by openStore');
    committer = new GroupCommitter(store.db, store.sqliteWriter);
    committers.set(store.db, committer);
  }
  return committer;
}

export type { Store };
