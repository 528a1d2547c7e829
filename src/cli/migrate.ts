import { configOrExit, openMigratedStore } from './runtime.ts';

export async function migrateCommand(): Promise<void> {
  const config = configOrExit();
  const store = await openMigratedStore(config);
  await store.close();
  console.log('contentstats: database is up to date');
}
