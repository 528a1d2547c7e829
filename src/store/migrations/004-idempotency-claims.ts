import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Idempotency keys become per mode (test and live keys of one account are separate worlds) and an in-flight
 * claim gets a holder (claim_token) and a lease: a claim whose request died with its process is taken over
 * by a retry once the lease has passed, instead of answering 409 until the key expires. The primary key
 * changes, so the table is rebuilt. An existing row is kept for both modes (within its 24 hours it answers
 * as before). An existing in-flight claim may belong to a request an older process is still serving (a
 * rolling upgrade): it gets a full lease from the time of the migration, so a retry takes it over only once
 * that request has had its time.
 */
const LEASE_AFTER_MIGRATION_MS = 60_000;

export const idempotencyClaimsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const leaseExpiresAt = Date.now() + LEASE_AFTER_MIGRATION_MS;
    await db.schema
      .createTable('idempotency_claims')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('claim_token', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('status_code', 'integer')
      .addColumn('response_body', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_claims_pk', ['account_id', 'mode', 'idempotency_key'])
      .execute();
    await sql`
      insert into idempotency_claims (account_id, mode, idempotency_key, request_hash, claim_token,
                                      lease_expires_at, status_code, response_body, created_at, expires_at)
      select k.account_id, m.mode, k.idempotency_key, k.request_hash,
             case when k.status_code is null then 'migrated' end,
             case when k.status_code is null then ${sql.lit(leaseExpiresAt)} end,
             k.status_code, k.response_body, k.created_at, k.expires_at
      from idempotency_keys k cross join (select 'live' as mode union all select 'test' as mode) m`.execute(
      db,
    );
    await db.schema.dropTable('idempotency_keys').execute();
    await db.schema.alterTable('idempotency_claims').renameTo('idempotency_keys').execute();
  },
};
