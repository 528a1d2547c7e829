// Embedded mode's scheduler (`serve` on SQLite) must be the only scheduler on its database file: it pages through
// due videos without leases and, at start, hands back every lease and backoff it finds as abandoned by a crash.
// A second `serve`, or a `worker`, on the same file would collect the same slots and undo the other's leases.
// So `serve` takes this lock exclusively and a `worker` takes it shared (workers lease, so several may share a
// file): a second `serve`, or a worker beside a `serve`, is refused at start.
//
// The lock is SQLite's own lock on a companion file (`<database>-scheduler.lock`), held by an open transaction
// for the life of the process: the kernel drops it when the process exits, however it exits, so a SIGKILL
// leaves no stale lock behind.
import SqliteDatabase from 'better-sqlite3';
import { err, ok, type Result } from '../result.ts';

export type SchedulerRole = 'sole' | 'leasing';

export interface SchedulerLock {
  /** The companion file holding the lock. */
  path: string;
  release(): void;
}

export type SchedulerLockError = { kind: 'scheduler_lock_held'; path: string };

export function schedulerLockPath(databasePath: string): string {
  return `${databasePath}-scheduler.lock`;
}

/** Takes the scheduler lock of the SQLite database at `databasePath`, or says that another process holds it. */
export function takeSchedulerLock(
  databasePath: string,
  role: SchedulerRole,
): Result<SchedulerLock, SchedulerLockError> {
  const path = schedulerLockPath(databasePath);
  // timeout 0: a held lock is an answer, not something to wait for.
  const lockFile = new SqliteDatabase(path, { timeout: 0 });
  try {
    // No rollback journal (nothing is ever written), and locks kept until the connection closes.
    lockFile.pragma('journal_mode = MEMORY');
    lockFile.pragma('locking_mode = EXCLUSIVE');
    if (role === 'sole') {
      lockFile.exec('BEGIN EXCLUSIVE');
    } else {
      // A read inside a transaction takes the shared lock, which other readers share and a writer cannot get.
      lockFile.exec('BEGIN');
      lockFile.prepare('select count(*) from sqlite_master').get();
    }
  } catch (error) {
    lockFile.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY')
      return err({ kind: 'scheduler_lock_held', path });
    throw error;
  }
  return ok({
    path,
    release: () => {
      if (lockFile.open) lockFile.close();
    },
  });
}
