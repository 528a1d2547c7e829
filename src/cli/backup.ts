// `contentstats backup <file>`: a consistent copy of the SQLite database, taken while the service runs. On
// PostgreSQL the database's own tools do this better (pg_dump), and the command says so.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { backupSqliteFile } from '../store/backup.ts';
import { badUsage, refused } from './failure.ts';
import { type CliIo, writeLine } from './io.ts';
import { configOrFail } from './runtime.ts';

export async function backupCommand(io: CliIo, file: string, options: { json: boolean }): Promise<void> {
  const config = configOrFail(io);
  if (!config.databaseUrl.startsWith('sqlite:')) {
    badUsage(
      'backup copies a SQLite database; DATABASE_URL is PostgreSQL: use pg_dump, e.g. ' +
        'pg_dump --format=custom --file=contentstats.dump "$DATABASE_URL" (docs/operations.md)',
    );
  }
  const source = config.databaseUrl.slice('sqlite:'.length);
  if (source === ':memory:') badUsage('DATABASE_URL is an in-memory database: there is nothing to back up');
  if (!existsSync(source)) badUsage(`no SQLite database at ${source} (DATABASE_URL)`);
  const destination = resolve(file);
  if (existsSync(destination)) refused(`${file} already exists: name a new file`);
  if (!existsSync(dirname(destination))) badUsage(`the folder ${dirname(file)} does not exist`);
  const done = await backupSqliteFile(source, destination);
  if (options.json) {
    writeLine(io.stdout, JSON.stringify({ database: source, file: destination, ...done }));
  } else {
    writeLine(io.stdout, `backed up ${source} to ${destination} (${done.bytes} bytes)`);
  }
}
