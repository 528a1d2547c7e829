import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Running totals per account and mode for GET /usage, kept in the same transactions that change videos, so
 * the endpoint reads one row instead of summing over every video the account ever tracked. The rows of an
 * existing database are computed from its videos.
 */
export const accountUsageMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('account_usage')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('active_videos', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('snapshots_collected', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('charged_micro_usd', 'bigint', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('account_usage_pk', ['account_id', 'mode'])
      .addCheckConstraint(
        'account_usage_non_negative',
        sql`active_videos >= 0 and snapshots_collected >= 0 and charged_micro_usd >= 0`,
      )
      .execute();
    await sql`
      insert into account_usage (account_id, mode, active_videos, snapshots_collected, charged_micro_usd)
      select account_id, mode,
             count(case when status = 'monitoring' then 1 end),
             coalesce(sum(snapshots_collected), 0),
             coalesce(sum(case when mode = 'live' then snapshots_collected * cost_per_snapshot_micro_usd else 0 end), 0)
      from videos
      group by account_id, mode`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('account_usage').execute();
  },
};
