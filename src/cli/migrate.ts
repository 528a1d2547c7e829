// `contentstats migrate`: applies what is pending and names each migration it applied;
// `contentstats migrate --status`: lists every migration as applied or pending and changes nothing.
import { existsSync } from 'node:fs';
import { type MigrationState, migrationStates, migrationsOfNewDatabase } from '../store/migrate.ts';
import { type CliIo, writeLine } from './io.ts';
import { configOrFail, databaseFailure, migrateStore, openConfiguredStore } from './runtime.ts';

export async function migrateCommand(io: CliIo, options: { status: boolean; json: boolean }): Promise<void> {
  const config = configOrFail(io);
  if (options.status && missingSqliteFile(config.databaseUrl)) {
    // Opening would create the file: a status check at a mistyped path must not leave an empty database there.
    reportStatus(io, migrationsOfNewDatabase('sqlite'), options.json);
    writeLine(
      io.stderr,
      `no database at ${config.databaseUrl.slice('sqlite:'.length)} yet: migrate or serve creates it`,
    );
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

function missingSqliteFile(databaseUrl: string): boolean {
  if (!databaseUrl.startsWith('sqlite:')) return false;
  const path = databaseUrl.slice('sqlite:'.length);
  return path !== ':memory:' && !existsSync(path);
}
