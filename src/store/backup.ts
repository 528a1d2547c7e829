// A consistent copy of a SQLite database while the service keeps writing to it, through SQLite's online
// backup API (better-sqlite3's `backup`). PostgreSQL has its own tools (pg_dump); see docs/operations.md.
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { randomBase62 } from '../ids.ts';

/** More pages than any database has: the copy is made in one step (see below). */
const ALL_PAGES = 0x7fffffff;

export interface BackupDone {
  pages: number;
  bytes: number;
}

/**
 * Copies the database at `sourcePath` to `destinationPath`, which must not exist. The copy is taken in one step
 * under one read snapshot: a page-by-page copy starts over whenever another connection writes, which a busy
 * server does all the time, so it might never finish. In WAL mode the snapshot does not hold writers up. The
 * copy is written beside the destination and renamed into place, so the destination is only ever complete,
 * and like the database itself it is readable by its owner only (it holds emails, key hashes and the ledger).
 */
export async function backupSqliteFile(sourcePath: string, destinationPath: string): Promise<BackupDone> {
  const source = new SqliteDatabase(sourcePath, { readonly: true, fileMustExist: true });
  const partial = `${destinationPath}.partial-${randomBase62(8)}`;
  try {
    closeSync(openSync(partial, 'wx', 0o600));
    const progress = await source.backup(partial, { progress: () => ALL_PAGES });
    renameSync(partial, destinationPath);
    return { pages: progress.totalPages, bytes: statSync(destinationPath).size };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
}
