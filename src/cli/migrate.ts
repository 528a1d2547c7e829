// `contentstats migrate`: applies what is pending and names each migration it applied;
// `contentstats migrate --status`: lists every migration as applied or pending and changes nothing.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type MigrationState, migrationStates, migrationsOfNewDatabase } from '../store/migrate.ts';
import { badUsage } from './failure.ts';
import { type CliIo, writeLine } from './io.ts';
import { configOrFail, databaseFailure, migrateStore, openConfiguredStore } from './runtime.ts';

export async function migrateCommand(io: CliIo, options: { status: boolean; json: boolean }): Promise<void> {
  const config = configOrFail(io);
  // Opening a SQLite database creates it (and its folder): a status check at a mistyped path must not leave an
  // empty database behind, so it reports on a file that is not there without opening it.
  const sqliteFile = options.status ? missingSqliteFile(config.databaseUrl) : undefined;
  if (sqliteFile?.folderExists === false)
    badUsage(`no SQLite database at ${sqliteFile.path}: its folder does not exist`);
  if (sqliteFile) {
    reportStatus(io, migrationsOfNewDatabase('sqlite'), options.json);
    writeLine(io.stderr, `no database at ${sqliteFile.path} yet: migrate or serve creates it`);
    return;
  }
  const store = openConfiguredStore(config);
  try {
    if (options.status) {
      const states = await migrationStates(store).catch((error: unknown) => {
        throw databaseFailure(error, config, `cannot read the migrations: ${String(error)}`);
      });
      reportStatus(io, states, options.json);
      return;
    }
    const applied = await migrateStore(store, config);
    if (options.json) {
      writeLine(io.stdout, JSON.stringify({ applied }));
      return;
    }
    for (const name of applied) writeLine(io.stdout, `applied ${name}`);
    writeLine(
      io.stdout,
      applied.length > 0 ? 'database is up to date' : 'database is up to date (nothing to apply)',
    );
  } finally {
    await store.close();
  }
}

function reportStatus(io: CliIo, states: readonly MigrationState[], json: boolean): void {
  const pending = states.filter((s) => !s.appliedAt).length;
  if (json) {
    const migrations = states.map((s) => ({ name: s.name, applied_at: s.appliedAt?.toISOString() ?? null }));
    writeLine(io.stdout, JSON.stringify({ migrations, applied: states.length - pending, pending }));
    return;
  }
  const width = Math.max(...states.map((s) => s.name.length));
  for (const { name, appliedAt } of states) {
    writeLine(
      io.stdout,
      appliedAt ? `applied  ${name.padEnd(width)}  ${appliedAt.toISOString()}` : `pending  ${name}`,
    );
  }
  writeLine(io.stdout, `${states.length - pending} applied, ${pending} pending`);
}

/** The SQLite file DATABASE_URL names when it is not there (a file in the way of its folder is left to open). */
function missingSqliteFile(databaseUrl: string): { path: string; folderExists: boolean } | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  const path = databaseUrl.slice('sqlite:'.length);
  if (path === ':memory:' || existsSync(path)) return undefined;
  const folder = dirname(resolve(path));
  if (existsSync(folder) && !statSync(folder).isDirectory()) return undefined;
  return { path, folderExists: existsSync(folder) };
}
