// Shared start-up for CLI commands: a validated config and a migrated store, or a CommandFailure that says
// what to fix (exit 2 for configuration and start-up problems the operator fixes outside contentstats).
import { type Config, loadConfig } from '../config.ts';
import { type OpenStoreOptions, openStore, type Store } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { type SchedulerLock, type SchedulerRole, takeSchedulerLock } from '../store/scheduler-lock.ts';
import { badUsage, CommandFailure, EXIT } from './failure.ts';
import type { CliIo } from './io.ts';
import { classifyDatabaseError, describeStartupProblem } from './startup-errors.ts';

export function configOrFail(io: CliIo): Config {
  const result = loadConfig(io.env);
  if (!result.ok)
    badUsage(['invalid configuration:', ...result.error.problems.map((e) => `  ${e}`)].join('\n'));
  return result.value;
}

/** Opens the configured database (not yet migrated); its PostgreSQL connections are the CLI's unless named. */
export function openConfiguredStore(config: Config, options: OpenStoreOptions = {}): Store {
  try {
    return openStore(config.databaseUrl, { applicationName: 'contentstats-cli', ...options });
  } catch (error) {
    // SQLite opens the file at once: a folder it cannot create or a file it cannot write fails here.
    throw databaseFailure(
      error,
      config,
      `cannot open the database: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Brings the schema up to date; the names of the migrations it applied, oldest first. */
export async function migrateStore(store: Store, config: Config): Promise<string[]> {
  const migrated = await migrateToLatest(store);
  if (migrated.ok) return migrated.value;
  const { cause, message } = migrated.error;
  throw databaseFailure(cause, config, `database migration failed: ${message}`);
}

export async function openMigratedStore(config: Config, options: OpenStoreOptions = {}): Promise<Store> {
  const store = openConfiguredStore(config, options);
  try {
    await migrateStore(store, config);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * On a SQLite file, the lock that keeps a `serve` scheduler alone on it (scheduler-lock.ts), or a failure naming
 * the fix when another process holds it; nothing to hold on PostgreSQL, where schedulers lease.
 */
export function holdSchedulerLock(config: Config, role: SchedulerRole): SchedulerLock | undefined {
  if (!config.databaseUrl.startsWith('sqlite:')) return undefined;
  const path = config.databaseUrl.slice('sqlite:'.length);
  if (path === ':memory:') return undefined;
  const taken = takeSchedulerLock(path, role);
  if (taken.ok) return taken.value;
  throw new CommandFailure(describeStartupProblem({ kind: 'scheduler_running', path }), EXIT.usage);
}

/** One line naming the fix when the operator can fix it (exit 2); else `otherwise` (exit 1). */
export function databaseFailure(error: unknown, config: Config, otherwise: string): CommandFailure {
  const problem = classifyDatabaseError(error, config.databaseUrl);
  return problem
    ? new CommandFailure(describeStartupProblem(problem), EXIT.usage)
    : new CommandFailure(otherwise, EXIT.refused);
}

/** Runs an operator command against the configured database and closes it afterwards. */
export async function withStore<T>(
  io: CliIo,
  work: (store: Store, config: Config) => Promise<T>,
): Promise<T> {
  const config = configOrFail(io);
  const store = await openMigratedStore(config);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}
