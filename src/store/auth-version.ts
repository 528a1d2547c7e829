// A counter raised with every change to what authentication answers; API processes read it (once per turn of the
// event loop, see api/auth.ts) to know whether the keys they cached still stand (see
// migrations/005-auth-version.ts).
import { sql } from 'kysely';
import type { Store } from './database.ts';
import { preparedReadNow } from './prepared.ts';
import type { Executor } from './transaction.ts';

const versionRow = preparedReadNow((ex) =>
  ex.db.selectFrom('auth_version').select('version').where('id', '=', 1),
);

const VERSION_SQL = 'select version from auth_version where id = 1';

/** On SQLite outside transactions, answered at once (a one-row read). */
export function readAuthVersion(ex: Executor): number | Promise<number> {
  // On SQLite the write connection answers when it is between transactions: it made the last commit itself,
  // so its read starts without the work the read-only connection does after every commit to take up the
  // new end of the write-ahead log (measured: about 8 µs against 50–180 µs per tracked video). Inside a
  // write transaction it could see a raise that is later rolled back, so then the committed-data read does.
  const writer = ex.sqliteTransaction ? undefined : (ex as Partial<Store>).sqliteWriter;
  if (writer) {
    const statement = writer.statement(VERSION_SQL);
    if (!statement.database.inTransaction) {
      return versionOf(statement.all() as Array<{ version: number }>);
    }
  }
  const rows = versionRow(ex);
  return rows instanceof Promise ? rows.then(versionOf) : versionOf(rows);
}

const versionOf = (rows: Array<{ version: number }>): number => Number(rows[0]?.version ?? 0);

let raisesInThisProcess = 0;

/**
 * How many times this process has raised the version (committed or not): a reader that shares one read among
 * several requests reads afresh when this moves, so a change made here is seen by the very next request.
 */
export function authVersionRaisesInThisProcess(): number {
  return raisesInThisProcess;
}

/** Call in the same transaction as the change (a revoked key, an account's settings). */
export async function raiseAuthVersion(ex: Executor): Promise<void> {
  raisesInThisProcess++;
  await ex.db.updateTable('auth_version').set({ version: sql`version + 1` }).where('id', '=', 1).execute();
}
