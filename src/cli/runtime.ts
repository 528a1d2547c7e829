// Shared start-up for CLI commands: a validated config and a migrated store, or a clear message and exit.
import { type Config, loadConfig } from '../config.ts';
import { type OpenStoreOptions, openStore, type Store } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';

export function configOrExit(): Config {
  const result = loadConfig();
  if (!result.ok) {
    console.error('contentstats: invalid configuration:');
    for (const error of result.errors) console.error(`  ${error}`);
    process.exit(2);
  }
  return result.config;
}

export async function openMigratedStore(config: Config, options: OpenStoreOptions = {}): Promise<Store> {
  const store = openStore(config.databaseUrl, options);
  const migrated = await migrateToLatest(store);
  if (!migrated.ok) {
    console.error(`contentstats: database migration failed: ${migrated.error}`);
    await store.close();
    process.exit(1);
  }
  return store;
}

/** Runs an operator command against the configured database and closes it afterwards. */
export async function withStore<T>(work: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = configOrExit();
  const store = await openMigratedStore(config);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}
