// The webhook tables' queries (migrations/006-webhooks.ts): endpoints, events and their deliveries, and the
// delivery workers' claim. A delivery's life: pending (next_attempt_at = due) → claimed (attempts + 1,
// next_attempt_at = the lease's end) → delivered, pending again at its retry time, or failed.
import { sql } from 'kysely';
import { preparedForIds, preparedInsertMany, preparedQuery } from './prepared.ts';
import type {
  DeliveryStatus,
  Mode,
  VideoRow,
  WebhookDeliveriesTable,
  WebhookDeliveryRow,
  WebhookEndpointRow,
  WebhookEndpointsTable,
  WebhookEventsTable,
  WebhookPendingSnapshotsTable,
} from './schema.ts';
import { listSnapshots, type SnapshotRow } from './snapshots.ts';
import { type Executor, type NotInTransaction, type Tx, writeTransaction } from './transaction.ts';

// PostgreSQL hands BIGINT columns back as numbers (database.ts) except where noted; counts here are small.
const endpointRow = (row: WebhookEndpointRow): WebhookEndpointRow => ({
  ...row,
  created_at: Number(row.created_at),
  updated_at: Number(row.updated_at),
  previous_secret_expires_at:
    row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at),
  failing_since: row.failing_since === null ? null : Number(row.failing_since),
});

// ---- Endpoints ----

export async function insertWebhookEndpoint(ex: Executor, endpoint: WebhookEndpointsTable): Promise<void> {
  await ex.db.insertInto('webhook_endpoints').values(endpoint).execute();
}

export async function countWebhookEndpoints(ex: Executor, accountId: string, mode: Mode): Promise<number> {
  const row = await ex.db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('mode', '=', mode)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An account's endpoints in one mode, oldest first. */
export async function listWebhookEndpoints(
  ex: Executor,
  accountId: string,
  mode: Mode,
): Promise<WebhookEndpointRow[]> {
  const rows = await ex.db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('mode', '=', mode)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(endpointRow);
}

/** The endpoint if it belongs to this account and mode (another's is as unknown as a missing one). */
export async function findOwnedWebhookEndpoint(
  ex: Executor,
  owner: { accountId: string; mode: Mode },
  id: string,
): Promise<WebhookEndpointRow | undefined> {
  const row = await ex.db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', owner.accountId)
    .where('mode', '=', owner.mode)
    .executeTakeFirst();
  return row && endpointRow(row);
}

export async function findWebhookEndpoint(ex: Executor, id: string): Promise<WebhookEndpointRow | undefined> {
  const row = await ex.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  return row && endpointRow(row);
}

export type WebhookEndpointChange = Partial<
  Pick<
    WebhookEndpointsTable,
    | 'url'
    | 'description'
    | 'events'
    | 'disabled'
    | 'disabled_reason'
    | 'secret'
    | 'previous_secret'
    | 'previous_secret_expires_at'
    | 'failing_since'
    | 'updated_at'
  >
>;

export async function updateWebhookEndpoint(
  ex: Executor,
  id: string,
  change: WebhookEndpointChange,
): Promise<void> {
  await ex.db.updateTable('webhook_endpoints').set(change).where('id', '=', id).execute();
}

/** Deletes the endpoint with its deliveries and their attempts (events stay: other endpoints may share them). */
export async function deleteWebhookEndpoint(tx: Tx, id: string): Promise<void> {
  await tx.db
    .deleteFrom('webhook_delivery_attempts')
    .where('delivery_id', 'in', (eb) =>
      eb.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id),
    )
    .execute();
  await tx.db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
  await tx.db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

/** What an event writer needs to know of the enabled endpoints of some accounts. */
export interface Subscription {
  id: string;
  account_id: string;
  mode: Mode;
  /** JSON array of event types. */
  events: string;
}

/** The enabled endpoints of these accounts (one indexed query, whatever the number of accounts). */
export async function enabledWebhookEndpoints(
  ex: Executor,
  accountIds: readonly string[],
): Promise<Subscription[]> {
  if (accountIds.length === 0) return [];
  return ex.db
    .selectFrom('webhook_endpoints')
    .select(['id', 'account_id', 'mode', 'events'])
    .where('account_id', 'in', accountIds)
    .where('disabled', '=', 0)
    .execute();
}

// ---- Events and deliveries ----

export interface NewDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  at: number;
}

/** Writes events and their pending deliveries in the caller's transaction: two statements for any number. */
export async function insertWebhookEvents(
  tx: Tx,
  events: readonly WebhookEventsTable[],
  deliveries: readonly NewDelivery[],
): Promise<void> {
  await insertEventRows(tx, events);
  await insertDeliveries(tx, deliveries);
}

// Prepared once: recording a batch writes an event and a delivery per stored snapshot when subscribed.
const EVENT_COLUMNS = ['id', 'account_id', 'mode', 'type', 'payload', 'deferred_data', 'created_at'] as const;
type EventInsert = { [K in keyof WebhookEventsTable]: WebhookEventsTable[K] };
const insertEventRows = preparedInsertMany(EVENT_COLUMNS, (tx, rows: EventInsert[]) =>
  tx.db.insertInto('webhook_events').values(rows),
);

type DeliveryInsert = {
  [K in Exclude<keyof WebhookDeliveriesTable, 'last_attempt_at' | 'delivered_at'>]: WebhookDeliveriesTable[K];
};
const DELIVERY_COLUMNS = [
  'id',
  'endpoint_id',
  'event_id',
  'status',
  'next_attempt_at',
  'created_at',
] as const;
const insertDeliveryRows = preparedInsertMany(DELIVERY_COLUMNS, (tx, rows: DeliveryInsert[]) =>
  tx.db.insertInto('webhook_deliveries').values(rows),
);

export async function insertDeliveries(ex: Executor, deliveries: readonly NewDelivery[]): Promise<void> {
  await insertDeliveryRows(
    ex,
    deliveries.map(
      (d): DeliveryInsert => ({
        id: d.id,
        endpoint_id: d.endpointId,
        event_id: d.eventId,
        status: 'pending',
        attempts: 0,
        next_attempt_at: d.at,
        created_at: d.at,
      }),
    ),
  );
}

export async function findWebhookEvent(ex: Executor, id: string): Promise<WebhookEventsTable | undefined> {
  const row = await ex.db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { ...row, created_at: Number(row.created_at) };
}

/** A delivery with its event's type, as the deliveries listing shows it. */
export type DeliveryListing = WebhookDeliveryRow & { event_type: string };

const deliveryRow = <R extends WebhookDeliveryRow>(row: R): R => ({
  ...row,
  next_attempt_at: row.next_attempt_at === null ? null : Number(row.next_attempt_at),
  last_attempt_at: row.last_attempt_at === null ? null : Number(row.last_attempt_at),
  delivered_at: row.delivered_at === null ? null : Number(row.delivered_at),
  created_at: Number(row.created_at),
});

/** An endpoint's deliveries, newest first, `limit + 1` of them (the extra one says there is more). */
export async function listDeliveries(
  ex: Executor,
  endpointId: string,
  options: { beforeId?: string; limit: number },
): Promise<DeliveryListing[]> {
  let query = ex.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.endpoint_id', '=', endpointId);
  if (options.beforeId !== undefined) query = query.where('d.id', '<', options.beforeId);
  const rows = await query
    .orderBy('d.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  return rows.map(deliveryRow);
}

export async function findDelivery(
  ex: Executor,
  endpointId: string,
  id: string,
): Promise<DeliveryListing | undefined> {
  const row = await ex.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.endpoint_id', '=', endpointId)
    .where('d.id', '=', id)
    .executeTakeFirst();
  return row && deliveryRow(row);
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
}

export async function attemptsOf(ex: Executor, deliveryIds: readonly string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  const rows = await ex.db
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('delivery_id')
    .orderBy('attempt')
    .execute();
  return rows.map((row) => ({ ...row, started_at: Number(row.started_at) }));
}

// ---- The delivery workers ----

/** A due delivery with what sending it needs. */
export interface DueDelivery {
  id: string;
  attempts: number;
  next_attempt_at: number;
  endpoint_id: string;
  event_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  failing_since: number | null;
  disabled: number;
  account_id: string;
  event_type: string;
  /** Null until the event is first sent when it is rendered from `deferred_data`. */
  payload: string | null;
  deferred_data: string | null;
  event_created_at: number;
}

/**
 * Claims up to `limit` due deliveries for one attempt each: attempts + 1 and next_attempt_at moved to the
 * lease's end, so no other worker takes them until the lease expires (a worker killed mid-send leaves its
 * deliveries to be taken again). PostgreSQL skips rows another worker is claiming (FOR UPDATE SKIP LOCKED);
 * SQLite reads and moves them in one write transaction, which holds the database's only write lock.
 */
export async function claimDueDeliveries(
  ex: NotInTransaction,
  now: number,
  leaseUntil: number,
  limit: number,
  skipEndpoints: readonly string[] = [],
): Promise<DueDelivery[]> {
  let ids: { id: string; attempts: number }[];
  // Endpoints whose every delivery slot this worker is using are left to later (or to other workers).
  const skip = skipEndpoints.length > 0 ? skipEndpoints : ['-'];
  if (ex.dialect === 'postgres') {
    const result = await sql<{ id: string; attempts: number }>`
      update webhook_deliveries set attempts = attempts + 1, next_attempt_at = ${leaseUntil}
      where id in (
        select id from webhook_deliveries
        where next_attempt_at is not null and next_attempt_at <= ${now}
          and endpoint_id not in (${sql.join(skip)})
        order by next_attempt_at, id
        limit ${limit}
        for update skip locked)
      returning id, attempts`.execute(ex.db);
    ids = result.rows;
  } else {
    // One write transaction (the single writer's lock) reads the due rows and moves them into the lease: one
    // commit for the whole claim, and no other process can claim them in between.
    ids = await writeTransaction(ex, async (tx) => {
      const due = await tx.db
        .selectFrom('webhook_deliveries')
        .select(['id', 'attempts'])
        .where('next_attempt_at', 'is not', null)
        .where('next_attempt_at', '<=', now)
        .where('endpoint_id', 'not in', skip)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      if (due.length === 0) return [];
      await tx.db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: leaseUntil }))
        .where(
          'id',
          'in',
          due.map((row) => row.id),
        )
        .execute();
      return due.map((row) => ({ id: row.id, attempts: row.attempts + 1 }));
    });
  }
  if (ids.length === 0) return [];
  const rows = await ex.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.attempts',
      'd.next_attempt_at',
      'd.endpoint_id',
      'd.event_id',
      'w.url',
      'w.secret',
      'w.previous_secret',
      'w.previous_secret_expires_at',
      'w.failing_since',
      'w.disabled',
      'w.account_id',
      'e.type as event_type',
      'e.payload',
      'e.deferred_data',
      'e.created_at as event_created_at',
    ])
    .where(
      'd.id',
      'in',
      ids.map((row) => row.id),
    )
    .execute();
  return rows.map((row) => ({
    ...row,
    attempts: Number(row.attempts),
    next_attempt_at: Number(row.next_attempt_at),
    previous_secret_expires_at:
      row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at),
    failing_since: row.failing_since === null ? null : Number(row.failing_since),
    disabled: Number(row.disabled),
    event_created_at: Number(row.event_created_at),
  }));
}

export interface AttemptOutcome {
  deliveryId: string;
  /** The attempt number this worker claimed: the outcome is recorded only while that claim stands. */
  attempt: number;
  startedAt: number;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  /** What the delivery becomes, and when it is due again if still pending. */
  status: DeliveryStatus;
  nextAttemptAt: number | null;
}

/** Records one attempt and the delivery's new state, if this worker's claim still stands. */
export async function recordDeliveryAttempt(tx: Tx, outcome: AttemptOutcome): Promise<boolean> {
  const delivered = outcome.status === 'delivered' ? outcome.startedAt + outcome.durationMs : null;
  const updated = await settleAttempt(
    tx,
    outcome.status,
    outcome.nextAttemptAt,
    outcome.startedAt,
    delivered,
    outcome.deliveryId,
    outcome.attempt,
  );
  if (updated.length !== 1) return false;
  await insertAttempt(
    tx,
    outcome.deliveryId,
    outcome.attempt,
    outcome.startedAt,
    outcome.durationMs,
    outcome.responseStatus,
    outcome.responseBody,
    outcome.error,
  );
  return true;
}

// Prepared once: every delivery runs both.
const settleAttempt = preparedQuery(
  (
    tx,
    status: DeliveryStatus,
    nextAttemptAt: number | null,
    lastAttemptAt: number,
    deliveredAt: number | null,
    id: string,
    attempt: number,
  ) =>
    tx.db
      .updateTable('webhook_deliveries')
      .set({
        status,
        next_attempt_at: nextAttemptAt,
        last_attempt_at: lastAttemptAt,
        delivered_at: deliveredAt,
      })
      .where('id', '=', id)
      .where('attempts', '=', attempt)
      .where('status', '=', 'pending')
      .returning('id'),
);

const insertAttempt = preparedQuery(
  (
    tx,
    deliveryId: string,
    attempt: number,
    startedAt: number,
    durationMs: number,
    responseStatus: number | null,
    responseBody: string | null,
    error: string | null,
  ) =>
    tx.db
      .insertInto('webhook_delivery_attempts')
      .values({
        delivery_id: deliveryId,
        attempt,
        started_at: startedAt,
        duration_ms: durationMs,
        response_status: responseStatus,
        response_body: responseBody,
        error,
      })
      .onConflict((oc) => oc.doNothing()),
);

/** Fails every pending delivery of an endpoint (it was disabled). */
export async function failPendingDeliveries(tx: Tx, endpointId: string): Promise<void> {
  await tx.db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
}

// ---- Milestones and the balance alert ----

/** Records thresholds reached; returns those this call recorded (the first reach of each). */
export async function recordMilestones(
  tx: Tx,
  reached: readonly { videoId: string; metric: string; threshold: number; at: number }[],
): Promise<Set<string>> {
  if (reached.length === 0) return new Set();
  const rows = await tx.db
    .insertInto('video_milestones')
    .values(
      reached.map((r) => ({
        video_id: r.videoId,
        metric: r.metric,
        threshold: r.threshold,
        reached_at: r.at,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(['video_id', 'metric', 'threshold'])
    .execute();
  return new Set(rows.map((r) => `${r.video_id}/${r.metric}/${Number(r.threshold)}`));
}

export interface BalanceAlertState {
  thresholdMicroUsd: number | null;
  alertedAt: number | null;
}

export async function balanceAlertState(ex: Executor, accountId: string): Promise<BalanceAlertState> {
  const row = await ex.db
    .selectFrom('balance_alerts')
    .select(['threshold_micro_usd', 'alerted_at'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return {
    thresholdMicroUsd: row?.threshold_micro_usd == null ? null : Number(row.threshold_micro_usd),
    alertedAt: row?.alerted_at == null ? null : Number(row.alerted_at),
  };
}

/** Sets when the alert fired (null re-arms it), keeping the threshold. */
export async function setBalanceAlerted(
  ex: Executor,
  accountId: string,
  alertedAt: number | null,
): Promise<void> {
  await ex.db
    .insertInto('balance_alerts')
    .values({ account_id: accountId, threshold_micro_usd: null, alerted_at: alertedAt })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ alerted_at: alertedAt }))
    .execute();
}

/** Sets the account's own threshold (null: one day of its spend) and re-arms the alert. */
export async function setBalanceAlertThreshold(
  ex: Executor,
  accountId: string,
  thresholdMicroUsd: number | null,
): Promise<void> {
  await ex.db
    .insertInto('balance_alerts')
    .values({ account_id: accountId, threshold_micro_usd: thresholdMicroUsd, alerted_at: null })
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet({ threshold_micro_usd: thresholdMicroUsd, alerted_at: null }),
    )
    .execute();
}

/** What the account's live trackings cost per day at their fixed prices and intervals. */
export async function dailySpendMicroUsd(ex: Executor, accountId: string): Promise<number> {
  const row = await ex.db
    .selectFrom('videos')
    .select(
      sql<string | number | null>`sum(cost_per_snapshot_micro_usd * 86400 / interval_seconds)`.as('spend'),
    )
    .where('account_id', '=', accountId)
    .where('mode', '=', 'live')
    .where('status', '=', 'monitoring')
    .executeTakeFirstOrThrow();
  return Number(row.spend ?? 0);
}

/** A top-up re-arms the balance alert. */
export async function rearmBalanceAlert(ex: Executor, accountId: string): Promise<void> {
  await ex.db
    .updateTable('balance_alerts')
    .set({ alerted_at: null })
    .where('account_id', '=', accountId)
    .where('alerted_at', 'is not', null)
    .execute();
}

/** Whole video rows (as the API presents them), by id. */
export async function videoRowsById(ex: Executor, ids: readonly string[]): Promise<Map<string, VideoRow>> {
  const rows = await wholeVideos(ex, ids);
  return new Map(rows.map((row) => [row.id, row]));
}

const wholeVideos = preparedForIds((ex, ids) =>
  ex.db.selectFrom('videos').selectAll().where('id', 'in', ids),
);

/** Fixes a deferred event's body at its first delivery, so every attempt and endpoint sends the same bytes. */
export async function freezeEventPayload(ex: Executor, eventId: string, payload: string): Promise<string> {
  await ex.db
    .updateTable('webhook_events')
    .set({ payload })
    .where('id', '=', eventId)
    .where('payload', 'is', null)
    .execute();
  const row = await ex.db
    .selectFrom('webhook_events')
    .select('payload')
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  return row.payload ?? payload;
}

/** A video's row and one of its snapshots (a deferred payload's sources). */
export async function videoAndSnapshot(
  ex: Executor,
  videoId: string,
  slot: number,
): Promise<{ video: VideoRow; snapshot: SnapshotRow } | undefined> {
  const video = await ex.db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirst();
  if (!video) return undefined;
  const snapshots = await listSnapshots(ex, { video, afterSlot: slot - 1, limit: 1, includeMissed: true });
  const snapshot = snapshots.find((s) => s.slot === slot);
  return snapshot ? { video, snapshot } : undefined;
}

// ---- snapshot.created, one row per recorded batch ----

export async function insertPendingSnapshots(tx: Tx, row: WebhookPendingSnapshotsTable): Promise<void> {
  await tx.db.insertInto('webhook_pending_snapshots').values(row).execute();
}

export async function hasPendingSnapshots(ex: Executor): Promise<boolean> {
  const row = await ex.db.selectFrom('webhook_pending_snapshots').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Whether a batch recorded before `before` still waits to be expanded into its events. */
export async function hasPendingSnapshotsBefore(ex: Executor, before: number): Promise<boolean> {
  const row = await ex.db
    .selectFrom('webhook_pending_snapshots')
    .select('id')
    .where('created_at', '<', before)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface UnrenderedEvent {
  id: string;
  type: string;
  created_at: number;
  deferred_data: string;
}

/**
 * Events written before `before` whose body is still to be rendered (a snapshot.created never attempted yet)
 * and that a delivery still waits to send, in id order after `afterId`: the pending deliveries' index, then
 * each one's event.
 */
export async function unrenderedPendingEvents(
  ex: Executor,
  before: number,
  afterId: string,
  limit: number,
): Promise<UnrenderedEvent[]> {
  const rows = await ex.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select(['e.id', 'e.type', 'e.created_at', 'e.deferred_data'])
    .distinct()
    .where('d.next_attempt_at', 'is not', null)
    .where('e.payload', 'is', null)
    .where('e.deferred_data', 'is not', null)
    .where('e.created_at', '<', before)
    .where('e.id', '>', afterId)
    .orderBy('e.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    ...row,
    created_at: Number(row.created_at),
    deferred_data: row.deferred_data!,
  }));
}

/** Takes (deletes and returns) up to `limit` pending batches, oldest first; PostgreSQL skips those being taken. */
export async function takePendingSnapshots(tx: Tx, limit: number): Promise<WebhookPendingSnapshotsTable[]> {
  if (tx.dialect === 'postgres') {
    const result = await sql<WebhookPendingSnapshotsTable>`
      delete from webhook_pending_snapshots where id in (
        select id from webhook_pending_snapshots order by id limit ${limit} for update skip locked)
      returning *`.execute(tx.db);
    return result.rows
      .map((row) => ({ ...row, created_at: Number(row.created_at) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  const rows = await tx.db
    .selectFrom('webhook_pending_snapshots')
    .selectAll()
    .orderBy('id')
    .limit(limit)
    .execute();
  if (rows.length > 0) {
    await tx.db
      .deleteFrom('webhook_pending_snapshots')
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
  }
  return rows;
}

/** Of these endpoints, those that still exist and are enabled. */
export async function enabledEndpointIds(ex: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await ex.db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('id', 'in', ids)
    .where('disabled', '=', 0)
    .execute();
  return new Set(rows.map((row) => row.id));
}
