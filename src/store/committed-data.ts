// Whether a SQLite database's committed data may have changed, for readers that keep what they read while it has
// not. SQLite's data_version, read on the committed-data reader (a connection that never writes), moves with every
// commit of any other connection: this process's writer and other processes (the CLI) alike. It is read once per
// turn of the event loop, like the auth version (api/auth.ts), and shared by the reads that turn makes; a change
// this process starts in the middle of a turn is seen at once, through its count of writes (database.ts).
import { type SqliteStatements, sqliteWritesInThisProcess } from './database.ts';

const DATA_VERSION = 'pragma data_version';

/**
 * A watch on the committed data of `reader`'s database: true when it may have changed since the watch last
 * answered, false when it certainly has not (other than by a commit of another process in this very turn).
 */
export function watchCommittedData(reader: SqliteStatements): () => boolean {
  let lookedThisTurn = false;
  let dataVersion: unknown;
  let writes = sqliteWritesInThisProcess();
  const endTurn = () => {
    lookedThisTurn = false;
  };
  return () => {
    let changed = false;
    if (!lookedThisTurn) {
      lookedThisTurn = true;
      // The check phase follows the I/O callbacks of the turn.
      setImmediate(endTurn);
      const [version] = reader.valuesStatement(DATA_VERSION).get() as [number];
      if (version !== dataVersion) {
        dataVersion = version;
        changed = true;
      }
    }
    const writesNow = sqliteWritesInThisProcess();
    if (writesNow !== writes) {
      writes = writesNow;
      changed = true;
    }
    return changed;
  };
}
