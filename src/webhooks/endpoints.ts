// What an account does with its webhook endpoints: register, list, change, delete, rotate the secret, send a
// test event, read the deliveries and send one again. Scoped by account and mode: a test key manages test
// endpoints only, which receive test-mode events only; another account's ids are as unknown as missing ones.
import { effectiveLimits } from '../billing/plans.ts';
import { newTimeOrderedId } from '../ids.ts';
import { err, ok, type Result } from '../result.ts';
import { lockAccount } from '../store/accounts.ts';
import type { Mode, WebhookEndpointRow } from '../store/schema.ts';
import { type NotInTransaction, writeTransaction } from '../store/transaction.ts';
import {
  type AttemptRow,
  attemptsOf,
  countWebhookEndpoints,
  type DeliveryListing,
  deleteWebhookEndpoint,
  findDelivery,
  findOwnedWebhookEndpoint,
  insertDeliveries,
  insertWebhookEndpoint,
  listDeliveries,
  updateWebhookEndpoint,
  type WebhookEndpointChange,
} from '../store/webhooks.ts';
import { checkWebhookUrl, type WebhookUrlPolicy } from './endpoint-url.ts';
import type { WebhookEventType } from './event-types.ts';
import { newWebhookSecret } from './signing.ts';
import { writeEventFor } from './write-events.ts';

/** How long a rotated-out secret keeps signing beside the new one. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 60 * 60_000;

export type WebhookError =
  | { kind: 'webhook_not_found' }
  | { kind: 'delivery_not_found' }
  | { kind: 'endpoint_limit'; limit: number }
  | { kind: 'invalid_url'; message: string }
  | { kind: 'account_not_found' };

export interface Owner {
  accountId: string;
  mode: Mode;
}

export interface NewEndpointInput {
  url: string;
  events: readonly WebhookEventType[];
  description: string | null;
}

/** Registers an endpoint; the answer holds its secret, which is shown only then. */
export async function createWebhookEndpoint(
  store: NotInTransaction,
  owner: Owner,
  input: NewEndpointInput,
  policy: WebhookUrlPolicy,
  now: number,
): Promise<Result<WebhookEndpointRow, WebhookError>> {
  const url = checkWebhookUrl(input.url, policy);
  if (!url.ok) return url;
  return writeTransaction(store, async (tx) => {
    // The account's row is the lock that keeps two concurrent registrations from both passing the limit.
    const account = await lockAccount(tx, owner.accountId);
    if (!account) return err({ kind: 'account_not_found' });
    const limit = effectiveLimits(account).maxWebhookEndpoints;
    if ((await countWebhookEndpoints(tx, owner.accountId, owner.mode)) >= limit) {
      return err({ kind: 'endpoint_limit', limit });
    }
    const endpoint: WebhookEndpointRow = {
      id: newTimeOrderedId('wh', now),
      account_id: owner.accountId,
      mode: owner.mode,
      url: url.value,
      description: input.description,
      events: JSON.stringify(dedupe(input.events)),
      disabled: 0,
      disabled_reason: null,
      secret: newWebhookSecret(),
      previous_secret: null,
      previous_secret_expires_at: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    };
    await insertWebhookEndpoint(tx, endpoint);
    return ok(endpoint);
  });
}

const dedupe = <T>(values: readonly T[]): T[] => [...new Set(values)];

export async function findWebhookEndpoint(
  store: NotInTransaction,
  owner: Owner,
  id: string,
): Promise<Result<WebhookEndpointRow, WebhookError>> {
  const endpoint = await findOwnedWebhookEndpoint(store, owner, id);
  return endpoint ? ok(endpoint) : err({ kind: 'webhook_not_found' });
}

export interface EndpointChanges {
  url?: string;
  events?: readonly WebhookEventType[];
  description?: string | null;
  disabled?: boolean;
}

export async function changeWebhookEndpoint(
  store: NotInTransaction,
  owner: Owner,
  id: string,
  changes: EndpointChanges,
  policy: WebhookUrlPolicy,
  now: number,
): Promise<Result<WebhookEndpointRow, WebhookError>> {
  const change: WebhookEndpointChange = { updated_at: now };
  if (changes.url !== undefined) {
    const url = checkWebhookUrl(changes.url, policy);
    if (!url.ok) return url;
    change.url = url.value;
  }
  if (changes.events !== undefined) change.events = JSON.stringify(dedupe(changes.events));
  if (changes.description !== undefined) change.description = changes.description;
  if (changes.disabled !== undefined) {
    change.disabled = changes.disabled ? 1 : 0;
    // Enabled again by its owner: the count towards automatic disabling starts over.
    change.disabled_reason = changes.disabled ? 'disabled by the account' : null;
    if (!changes.disabled) change.failing_since = null;
  }
  return writeTransaction(store, async (tx) => {
    const endpoint = await findOwnedWebhookEndpoint(tx, owner, id);
    if (!endpoint) return err({ kind: 'webhook_not_found' });
    await updateWebhookEndpoint(tx, id, change);
    return ok({ ...endpoint, ...change } as WebhookEndpointRow);
  });
}

export async function deleteOwnedWebhookEndpoint(
  store: NotInTransaction,
  owner: Owner,
  id: string,
): Promise<Result<undefined, WebhookError>> {
  return writeTransaction(store, async (tx) => {
    const endpoint = await findOwnedWebhookEndpoint(tx, owner, id);
    if (!endpoint) return err({ kind: 'webhook_not_found' });
    await deleteWebhookEndpoint(tx, id);
    return ok();
  });
}

/** A new secret signs from now on; the previous one keeps signing beside it for 24 hours. */
export async function rotateWebhookSecret(
  store: NotInTransaction,
  owner: Owner,
  id: string,
  now: number,
): Promise<Result<WebhookEndpointRow, WebhookError>> {
  return writeTransaction(store, async (tx) => {
    const endpoint = await findOwnedWebhookEndpoint(tx, owner, id);
    if (!endpoint) return err({ kind: 'webhook_not_found' });
    const change = {
      secret: newWebhookSecret(),
      previous_secret: endpoint.secret,
      previous_secret_expires_at: now + PREVIOUS_SECRET_TTL_MS,
      updated_at: now,
    };
    await updateWebhookEndpoint(tx, id, change);
    return ok({ ...endpoint, ...change });
  });
}

/** Queues a `webhook.test` event for this endpoint alone, whatever it subscribes to. */
export async function sendTestEvent(
  store: NotInTransaction,
  owner: Owner,
  id: string,
  now: number,
): Promise<Result<{ eventId: string; deliveryId: string }, WebhookError>> {
  return writeTransaction(store, async (tx) => {
    const endpoint = await findOwnedWebhookEndpoint(tx, owner, id);
    if (!endpoint) return err({ kind: 'webhook_not_found' });
    const written = await writeEventFor(tx, endpoint.id, {
      accountId: owner.accountId,
      mode: owner.mode,
      type: 'webhook.test',
      at: now,
      data: { webhook_id: endpoint.id, message: 'This is a test event from contentstats.' },
    });
    return ok(written);
  });
}

export interface DeliveryWithAttempts {
  delivery: DeliveryListing;
  attempts: AttemptRow[];
}

export async function listEndpointDeliveries(
  store: NotInTransaction,
  owner: Owner,
  id: string,
  page: { startingAfter?: string; limit: number },
): Promise<
  Result<{ deliveries: DeliveryWithAttempts[]; hasMore: boolean }, WebhookError | { kind: 'unknown_cursor' }>
> {
  const endpoint = await findOwnedWebhookEndpoint(store, owner, id);
  if (!endpoint) return err({ kind: 'webhook_not_found' });
  if (page.startingAfter !== undefined && !(await findDelivery(store, id, page.startingAfter))) {
    return err({ kind: 'unknown_cursor' });
  }
  const rows = await listDeliveries(store, id, { beforeId: page.startingAfter, limit: page.limit });
  const shown = rows.slice(0, page.limit);
  const attempts = await attemptsOf(
    store,
    shown.map((row) => row.id),
  );
  return ok({
    deliveries: shown.map((delivery) => ({
      delivery,
      attempts: attempts.filter((a) => a.delivery_id === delivery.id),
    })),
    hasMore: rows.length > page.limit,
  });
}

/** Sends an event again: a new delivery of the same event (same webhook-id) to the same endpoint. */
export async function redeliver(
  store: NotInTransaction,
  owner: Owner,
  endpointId: string,
  deliveryId: string,
  now: number,
): Promise<Result<DeliveryWithAttempts, WebhookError>> {
  return writeTransaction(store, async (tx) => {
    const endpoint = await findOwnedWebhookEndpoint(tx, owner, endpointId);
    if (!endpoint) return err({ kind: 'webhook_not_found' });
    const original = await findDelivery(tx, endpointId, deliveryId);
    if (!original) return err({ kind: 'delivery_not_found' });
    const id = newTimeOrderedId('dlv', now);
    await insertDeliveries(tx, [{ id, endpointId, eventId: original.event_id, at: now }]);
    return ok({ delivery: (await findDelivery(tx, endpointId, id))!, attempts: [] });
  });
}
