import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Store } from './database.ts';
import { initialMigration } from './migrations/001-initial.ts';

function migrationsFor(store: Store): Record<string, Migration> {
  return {
    '001-initial': initialMigration(store.dialect),
  };
}

export type MigrateResult = { ok: true; applied: string[] } | { ok: false; error: string };

/** Brings the schema up to date. Safe to run at every start and from several processes. */
export async function migrateToLatest(store: Store): Promise<MigrateResult> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(store) };
  // Kysely looks for its bookkeeping tables across all schemas unless told which one is ours: ours is the
  // store's schema, or the connection's current one (e.g. set by `?options=-c search_path=…` in DATABASE_URL).
  const schema = store.pgSchema ?? (store.dialect === 'postgres' ? await currentSchema(store) : undefined);
  const migrator = new Migrator({
    db: store.db,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) return { ok: false, error: error instanceof Error ? error.message : String(error) };
  return {
    ok: true,
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}

async function currentSchema(store: Store): Promise<string> {
  const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  return result.rows[0]?.schema ?? 'public';
}
