import { type Kysely, type Migration, sql } from 'kysely';

/**
 * One counter, raised in the same transaction as every change to what authentication answers (a key revoked,
 * an account's settings changed). Every API process reads it per request and drops its cached keys when it
 * moved, so a change made by another process (the CLI, another API process) holds from the next request.
 */
export const authVersionMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('auth_version')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into auth_version (id, version) values (1, 0)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('auth_version').execute();
  },
};
