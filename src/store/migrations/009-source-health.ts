import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Source health (health/ in docs/architecture.md):
 * - `source_attempts`: how many reads of each platform source came to each outcome, per minute. Every
 *   process adds its own counts (an upsert), so a fleet's rows are the fleet's totals; rows older than two
 *   days are deleted as new ones are written.
 * - `source_health`: per source, the time of its last success and its alert state (`ok` or `degraded`),
 *   changed by compare-and-set so that of many processes exactly one queues each alert email.
 * - `outbox.account_id` becomes nullable: an operator's alert email belongs to no account.
 */
export function sourceHealthMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('source_attempts')
        .addColumn('minute_start', 'bigint', (c) => c.notNull())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('source_attempts_pk', ['minute_start', 'platform', 'source', 'outcome'])
        .execute();
      await db.schema
        .createTable('source_health')
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('ok'))
        .addColumn('state_changed_at', 'bigint')
        .addColumn('last_success_at', 'bigint')
        .addPrimaryKeyConstraint('source_health_pk', ['platform', 'source'])
        .execute();
      if (dialect === 'postgres') {
        await sql`alter table outbox alter column account_id drop not null`.execute(db);
      } else {
        await rebuildSqliteOutboxWithNullableAccount(db);
      }
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('source_health').execute();
      await db.schema.dropTable('source_attempts').execute();
    },
  };
}

/**
 * SQLite cannot drop a NOT NULL constraint in place: the table is rebuilt from its own definition with that
 * one constraint removed (so columns another migration added are kept), its rows copied with their ids,
 * and its indexes and triggers recreated — SQLite's documented procedure: foreign keys off (so a table that
 * references the outbox keeps its rows and its reference), one transaction, a foreign key check, keys on.
 * (Kysely runs SQLite migrations outside a transaction, which is what lets the pragma change here.)
 */
async function rebuildSqliteOutboxWithNullableAccount(db: Kysely<unknown>): Promise<void> {
  const definitions = await sql<{ type: string; name: string; sql: string | null }>`
    select type, name, sql from sqlite_master where tbl_name = 'outbox'`.execute(db);
  const table = definitions.rows.find((row) => row.type === 'table')?.sql;
  const accountColumn = /("account_id"\s+text)\s+not null/i;
  if (!table || !accountColumn.test(table)) throw new Error('outbox table definition not as expected');
  const rebuilt = table
    .replace(accountColumn, '$1')
    .replace(/^create table\s+"?outbox"?/i, 'create table "outbox_rebuilt"');
  const dependents = definitions.rows.filter((row) => row.type !== 'table' && row.sql !== null);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql.raw(rebuilt).execute(db);
      await sql`insert into outbox_rebuilt select * from outbox`.execute(db);
      await sql`drop table outbox`.execute(db);
      await sql`alter table outbox_rebuilt rename to outbox`.execute(db);
      for (const dependent of dependents) await sql.raw(dependent.sql!).execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error('rebuilding the outbox broke a foreign key');
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
