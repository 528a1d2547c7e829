// `contentstats migrate`: applies what is pending and names each migration it applied;
// `contentstats migrate --status`: lists every migration as applied or pending and changes nothing.
import { migrationStates } from '../store/migrate.ts';
import { type CliIo, writeLine } from './io.ts';
import { configOrFail, databaseFailure, migrateStore, openConfiguredStore } from './runtime.ts';

export async function migrateCommand(io: CliIo, options: { status: boolean; json: boolean }): Promise<void> {
  const config = configOrFail(io);
  const store = openConfiguredStore(config);
  try {
    if (options.status) {
      const states = await migrationStates(store).catch((error: unknown) => {
        throw databaseFailure(error, config, `cannot read the migrations: ${String(error)}`);
      });
      const pending = states.filter((s) => !s.appliedAt).length;
      if (options.json) {
        const migrations = states.map((s) => ({
          name: s.name,
          applied_at: s.appliedAt?.toISOString() ?? null,
        }));
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
