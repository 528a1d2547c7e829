import {
  type DatabaseIntrospector,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  sql,
} from 'kysely';
import { err, ok, type Result } from '../result.ts';
import type { Store } from './database.ts';
import { initialMigration } from './migrations/001-initial.ts';
import { accountUsageMigration } from './migrations/002-account-usage.ts';
import { rateLimitWindowsMigration } from './migrations/003-rate-limit-windows.ts';
import { idempotencyClaimsMigration } from './migrations/004-idempotency-claims.ts';
import { authVersionMigration } from './migrations/005-auth-version.ts';
import { webhooksMigration } from './migrations/006-webhooks.ts';
import { tagsMetadataMigration } from './migrations/007-tags-metadata.ts';
import { shareLinksMigration } from './migrations/008-share-links.ts';
import { sourceHealthMigration } from './migrations/009-source-health.ts';
import { compactSnapshotsMigration } from './migrations/010-compact-snapshots.ts';
import { snapshotsPrunedAtMigration } from './migrations/011-snapshots-pruned-at.ts';
import type { Database } from './schema.ts';

function migrationsFor(store: Pick<Store, 'dialect'>): Record<string, Migration> {
  return {
    '001-initial': initialMigration(store.dialect),
    '002-account-usage': accountUsageMigration,
    '003-rate-limit-windows': rateLimitWindowsMigration,
    '004-idempotency-claims': idempotencyClaimsMigration,
    '005-auth-version': authVersionMigration,
    '006-webhooks': webhooksMigration,
    '007-tags-metadata': tagsMetadataMigration,
    '008-share-links': shareLinksMigration,
    '009-source-health': sourceHealthMigration(store.dialect),
    '010-compact-snapshots': compactSnapshotsMigration(store.dialect),
    '011-snapshots-pruned-at': snapshotsPrunedAtMigration,
  };
}

/**
 * The names of the migrations applied, oldest first; or what failed, with its `cause` for callers that tell
 * the operator how to fix it (a missing database, …).
 */
export type MigrateResult = Result<string[], { kind: 'migration_failed'; message: string; cause: unknown }>;

export interface MigrationState {
  name: string;
  /** When it was applied; undefined while it is pending. */
  appliedAt: Date | undefined;
}

/** Brings the schema up to date. Safe to run at every start and from several processes. */
export async function migrateToLatest(store: Store): Promise<MigrateResult> {
  return migrate(store, (migrator) => migrator.migrateToLatest());
}

/** Applies the migrations up to and including `name` (tests of a migration start from the one before it). */
export async function migrateUpTo(store: Store, name: string): Promise<MigrateResult> {
  return migrate(store, (migrator) => migrator.migrateTo(name));
}

/** Every migration this version knows, in order, as pending: the state of a database not created yet. */
export function migrationsOfNewDatabase(dialect: Store['dialect']): MigrationState[] {
  return Object.keys(migrationsFor({ dialect }))
    .sort()
    .map((name) => ({ name, appliedAt: undefined }));
}

/** Every migration this version knows, in order, applied or pending. Reads only: nothing is created. */
export async function migrationStates(store: Store): Promise<MigrationState[]> {
  const migrations = await (await migratorFor(store)).getMigrations();
  return migrations.map((m) => ({ name: m.name, appliedAt: m.executedAt }));
}

async function migrate(
  store: Store,
  run: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<MigrateResult> {
  let resultSet: MigrationResultSet;
  try {
    resultSet = await run(await migratorFor(store));
  } catch (error) {
    // Reaching the database at all can fail before the migrator starts (the server is down, no such database).
    return migrationFailed(error);
  }
  const { error, results } = resultSet;
  if (error) return migrationFailed(error);
  return ok((results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName));
}

const migrationFailed = (error: unknown) =>
  err({ kind: 'migration_failed', message: messageOf(error), cause: error });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function migratorFor(store: Store): Promise<Migrator> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(store) };
  // Kysely looks for its bookkeeping tables across all schemas unless told which one is ours: ours is the
  // store's schema, or the connection's current one (e.g. set by `?options=-c search_path=…` in DATABASE_URL).
  const schema = store.pgSchema ?? (store.dialect === 'postgres' ? await currentSchema(store) : undefined);
  return new Migrator({
    db: schema ? introspectingOnly(store.db, schema) : store.db,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

async function currentSchema(store: Store): Promise<string> {
  const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  return result.rows[0]?.schema ?? 'public';
}

/**
 * Kysely's migrator asks for every table of every schema, and PostgreSQL resolves each schema by name while
 * answering: a schema that someone else drops meanwhile (another environment, a parallel test) fails our
 * migration with `schema "…" does not exist`. The migrator only needs our own schema, so it only sees that.
 */
function introspectingOnly(db: Kysely<Database>, schema: string): Kysely<Database> {
  const introspection: DatabaseIntrospector = {
    getSchemas: () => db.introspection.getSchemas(),
    async getTables() {
      const result = await sql<{ name: string; type: string }>`
        select table_name as name, table_type as type from information_schema.tables
        where table_schema = ${schema}`.execute(db);
      return result.rows.map((row) => ({ name: row.name, schema, isView: row.type === 'VIEW', columns: [] }));
    },
    async getMetadata() {
      return { tables: await introspection.getTables() };
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
