import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Signed webhooks. An account registers endpoints per mode; every event is written, in the same
 * transaction as the change it reports, as one `webhook_events` row and one `webhook_deliveries` row per
 * subscribed endpoint; the delivery workers claim due deliveries through the database (a lease in
 * `next_attempt_at`, as slots and the email outbox do) and record each attempt. Also the state that makes
 * `video.milestone` fire once per threshold and `balance.low` once per crossing.
 */
export const webhooksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      // A JSON array of event types, e.g. ["snapshot.created","balance.low"].
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('disabled_reason', 'text')
      .addColumn('secret', 'text', (c) => c.notNull())
      // After a rotation the previous secret signs beside the new one until it expires.
      .addColumn('previous_secret', 'text')
      .addColumn('previous_secret_expires_at', 'bigint')
      // When the current run of failed attempts began (null after a success): 5 days of it disable the endpoint.
      .addColumn('failing_since', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_endpoints_by_owner')
      .on('webhook_endpoints')
      .columns(['account_id', 'mode', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('webhook_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      // The body sent, byte for byte, on every attempt: {"id","type","created_at","data"}. Null until first
      // sent for a snapshot.created event, whose `data` is rendered then from `deferred_data` (see
      // webhooks/snapshot-payload.ts): recording stays cheap, and the payload still shows the event's moment.
      .addColumn('payload', 'text')
      .addColumn('deferred_data', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      // Due time while pending; while an attempt is in flight, the end of its lease. Null once settled.
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('last_attempt_at', 'bigint')
      .addColumn('delivered_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint(
        'webhook_deliveries_status',
        sql`status in ('pending', 'delivered', 'failed') and (status = 'pending') = (next_attempt_at is not null)`,
      )
      .execute();
    // The workers' scan: pending deliveries in due order.
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .columns(['next_attempt_at', 'id'])
      .where(sql.ref('next_attempt_at'), 'is not', null)
      .execute();
    // An endpoint's deliveries, newest first (ids are time-ordered).
    await db.schema
      .createIndex('webhook_deliveries_by_endpoint')
      .on('webhook_deliveries')
      .columns(['endpoint_id', 'id'])
      .execute();

    await db.schema
      .createTable('webhook_delivery_attempts')
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('response_status', 'integer')
      // The start of the response body (at most 1 KB) or null.
      .addColumn('response_body', 'text')
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('webhook_delivery_attempts_pk', ['delivery_id', 'attempt'])
      .execute();

    // snapshot.created for a recorded batch, as one row: the recording transaction writes this instead of an
    // event and a delivery per snapshot; the delivery workers expand it into those (webhooks/expand-…).
    await db.schema
      .createTable('webhook_pending_snapshots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      // JSON: the endpoints subscribed when the batch was recorded, and one entry per stored snapshot.
      .addColumn('endpoint_ids', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    // Each threshold a video's views or likes have reached while tracked, so a milestone is announced once.
    await db.schema
      .createTable('video_milestones')
      .addColumn('video_id', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('threshold', 'bigint', (c) => c.notNull())
      .addColumn('reached_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('video_milestones_pk', ['video_id', 'metric', 'threshold'])
      .execute();

    // balance.low: the account's own threshold (null = one day of its current spend), and when the alert was
    // last sent (null = armed; a top-up re-arms it). No row = armed, default threshold.
    await db.schema
      .createTable('balance_alerts')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
      .addColumn('threshold_micro_usd', 'bigint')
      .addColumn('alerted_at', 'bigint')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'webhook_pending_snapshots',
      'balance_alerts',
      'video_milestones',
      'webhook_delivery_attempts',
      'webhook_deliveries',
      'webhook_events',
      'webhook_endpoints',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
