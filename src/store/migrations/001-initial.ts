import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.ts';

// Written once for both dialects; the only differences are the auto-increment key and the trigger syntax.
export function initialMigration(dialect: Dialect): Migration {
  const serialKey = dialect === 'sqlite' ? 'integer' : 'bigserial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('rate_limit_per_minute', 'integer')
        .addColumn('max_active_videos', 'integer')
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('balance_micro_usd', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('reserved_micro_usd', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // Invariant 1 in docs/architecture.md: the balance never goes negative nor below what is reserved.
        .addCheckConstraint('accounts_balance_non_negative', sql`balance_micro_usd >= 0`)
        .addCheckConstraint(
          'accounts_reserved_within_balance',
          sql`reserved_micro_usd >= 0 and reserved_micro_usd <= balance_micro_usd`,
        )
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('api_keys_by_account').on('api_keys').columns(['account_id']).execute();

      await db.schema
        .createTable('videos')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull().unique())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('platform_video_id', 'text', (c) => c.notNull())
        .addColumn('video_link', 'text', (c) => c.notNull())
        .addColumn('canonical_url', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('creator', 'text')
        .addColumn('description', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('is_deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error_reason', 'text')
        .addColumn('duration_days', 'integer', (c) => c.notNull())
        .addColumn('interval_seconds', 'integer', (c) => c.notNull())
        .addColumn('total_slots', 'integer', (c) => c.notNull())
        .addColumn('cost_per_snapshot_micro_usd', 'bigint', (c) => c.notNull())
        .addColumn('reserved_micro_usd', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('next_slot', 'integer', (c) => c.notNull())
        .addColumn('next_due_at', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('snapshots_collected', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('snapshots_missed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addCheckConstraint('videos_reserved_non_negative', sql`reserved_micro_usd >= 0`)
        .execute();
      // The scheduler's scan: due videos in due order (id breaks ties, for keyset paging through a pass).
      await db.schema
        .createIndex('videos_due')
        .on('videos')
        .columns(['next_due_at', 'id'])
        .where(sql.ref('next_due_at'), 'is not', null)
        .execute();
      // Listing: an account's videos in one mode, newest first.
      await db.schema
        .createIndex('videos_by_account')
        .on('videos')
        .columns(['account_id', 'mode', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('videos_by_account_status')
        .on('videos')
        .columns(['account_id', 'mode', 'status'])
        .execute();

      await db.schema
        .createTable('snapshots')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('video_id', 'text', (c) => c.notNull().references('videos.id'))
        .addColumn('slot', 'integer', (c) => c.notNull())
        .addColumn('taken_at', 'bigint', (c) => c.notNull())
        .addColumn('missed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('views', 'bigint')
        .addColumn('likes', 'bigint')
        .addColumn('comments', 'bigint')
        .addColumn('shares', 'bigint')
        .addColumn('saves', 'bigint')
        .addColumn('provider', 'text')
        .addColumn('approximate', 'integer', (c) => c.notNull().defaultTo(0))
        // Invariant 2 in docs/architecture.md: at most one snapshot per slot; a second attempt is a no-op,
        // never a second charge.
        // The slot is the key: every read goes by video and slot, so SQLite stores the rows in that order
        // (WITHOUT ROWID) and each snapshot costs one B-tree write instead of three. Ids are random and only
        // ever shown, so they need no index of their own.
        .addPrimaryKeyConstraint('snapshots_one_per_slot', ['video_id', 'slot'])
        .$call((table) => (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table))
        .execute();

      await db.schema
        .createTable('ledger_entries')
        .addColumn('id', serialKey, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('video_id', 'text', (c) => c.references('videos.id'))
        // The snapshot a charge pays for; UNIQUE, so no snapshot is ever charged twice.
        .addColumn('snapshot_id', 'text', (c) => c.unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('balance_delta_micro_usd', 'bigint', (c) => c.notNull())
        .addColumn('reserved_delta_micro_usd', 'bigint', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addCheckConstraint('ledger_charge_has_snapshot', sql`(kind = 'charge') = (snapshot_id is not null)`)
        .execute();
      await db.schema
        .createIndex('ledger_by_account')
        .on('ledger_entries')
        .columns(['account_id', 'id'])
        .execute();

      // The ledger is append-only: the database itself refuses to change or delete an entry.
      if (dialect === 'sqlite') {
        await sql`create trigger ledger_no_update before update on ledger_entries
          begin select raise(abort, 'ledger entries are immutable'); end`.execute(db);
        await sql`create trigger ledger_no_delete before delete on ledger_entries
          begin select raise(abort, 'ledger entries are immutable'); end`.execute(db);
      } else {
        await sql`create function ledger_immutable() returns trigger language plpgsql as $$
          begin raise exception 'ledger entries are immutable'; end $$`.execute(db);
        await sql`create trigger ledger_no_change before update or delete on ledger_entries
          for each row execute function ledger_immutable()`.execute(db);
      }

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'idempotency_key'])
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', serialKey, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('outbox_pending')
        .on('outbox')
        .columns(['sent_at', 'next_attempt_at'])
        .execute();
    },
  };
}
