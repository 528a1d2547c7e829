// A counter raised with every change to what authentication answers; API processes read it per request to
// know whether the keys they cached still stand (see migrations/005-auth-version.ts).
import { sql } from 'kysely';
import { preparedReadNow } from './prepared.ts';
import type { Executor } from './transaction.ts';

const versionRow = preparedReadNow((ex) =>
  ex.db.selectFrom('auth_version').select('version').where('id', '=', 1),
);

/** On SQLite outside transactions, answered at once (a one-row read on the committed-data connection). */
export function readAuthVersion(ex: Executor): number | Promise<number> {
  const rows = versionRow(ex);
  return rows instanceof Promise ? rows.then(versionOf) : versionOf(rows);
}

const versionOf = (rows: Array<{ version: number }>): number => Number(rows[0]?.version ?? 0);

/** Call in the same transaction as the change (a revoked key, an account's settings). */
export async function raiseAuthVersion(ex: Executor): Promise<void> {
  await ex.db.updateTable('auth_version').set({ version: sql`version + 1` }).where('id', '=', 1).execute();
}
