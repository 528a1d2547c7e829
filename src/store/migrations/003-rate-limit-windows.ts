import type { Kysely, Migration } from 'kysely';

/**
 * Request counts per API key and one-minute window, shared by every API process on one database (scale mode):
 * each process claims part of a key's limit at a time (api/rate-limit.ts), so the processes together admit at
 * most the limit. Rows of past windows are deleted as new windows begin.
 */
export const rateLimitWindowsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limit_windows')
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('claimed', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('rate_limit_windows_pk', ['key_id', 'window_start'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rate_limit_windows').execute();
  },
};
