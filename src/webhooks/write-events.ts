// Writing events: in the caller's transaction, so an event exists iff the change it reports committed. Only
// events some enabled endpoint is subscribed to are written (one indexed query tells), so an account without
// webhooks pays one lookup per transaction and nothing else.
import { newTimeOrderedId } from '../ids.ts';
import { iso } from '../presentation/iso-time.ts';
import type { Mode } from '../store/schema.ts';
import type { Executor, Tx } from '../store/transaction.ts';
import {
  enabledWebhookEndpoints,
  insertWebhookEvents,
  type NewDelivery,
  type Subscription,
} from '../store/webhooks.ts';
import type { WebhookEventType } from './event-types.ts';

/** The enabled endpoints of some accounts, by what they are subscribed to. */
export class Subscriptions {
  readonly #byKey = new Map<string, string[]>();

  constructor(endpoints: readonly Subscription[]) {
    for (const endpoint of endpoints) {
      for (const type of JSON.parse(endpoint.events) as string[]) {
        const key = `${endpoint.account_id}\u0000${endpoint.mode}\u0000${type}`;
        const list = this.#byKey.get(key);
        if (list) list.push(endpoint.id);
        else this.#byKey.set(key, [endpoint.id]);
      }
    }
  }

  /** The endpoints of this account and mode that receive `type`. */
  endpointsFor(accountId: string, mode: Mode, type: WebhookEventType): readonly string[] {
    return this.#byKey.get(`${accountId}\u0000${mode}\u0000${type}`) ?? NONE;
  }

  get empty(): boolean {
    return this.#byKey.size === 0;
  }
}

const NONE: readonly string[] = Object.freeze([]);

export async function loadSubscriptions(ex: Executor, accountIds: Iterable<string>): Promise<Subscriptions> {
  return new Subscriptions(await enabledWebhookEndpoints(ex, [...new Set(accountIds)]));
}

export interface WebhookEvent {
  accountId: string;
  mode: Mode;
  type: WebhookEventType;
  at: number;
  /** The event's `data`: the same objects the API shows. */
  data: Record<string, unknown>;
}

/** The body of an event, sent byte for byte on every attempt. */
export function eventBody(id: string, type: string, at: number, data: unknown): string {
  return JSON.stringify({ id, type, created_at: iso(at), data });
}

/**
 * Writes each event with a pending delivery to every endpoint subscribed to it. Events nobody receives are
 * not written. Returns the ids written, in order.
 */
export async function writeEvents(
  tx: Tx,
  subscriptions: Subscriptions,
  events: readonly WebhookEvent[],
): Promise<string[]> {
  const rows = [];
  const deliveries: NewDelivery[] = [];
  for (const event of events) {
    const endpoints = subscriptions.endpointsFor(event.accountId, event.mode, event.type);
    if (endpoints.length === 0) continue;
    const id = newTimeOrderedId('evt', event.at);
    rows.push({
      id,
      account_id: event.accountId,
      mode: event.mode,
      type: event.type,
      payload: eventBody(id, event.type, event.at, event.data),
      deferred_data: null,
      created_at: event.at,
    });
    for (const endpointId of endpoints) {
      deliveries.push({ id: newTimeOrderedId('dlv', event.at), endpointId, eventId: id, at: event.at });
    }
  }
  await insertWebhookEvents(tx, rows, deliveries);
  return rows.map((row) => row.id);
}

/** Writes one event for one endpoint whatever it subscribes to (POST /webhooks/{id}/test). */
export async function writeEventFor(
  tx: Tx,
  endpointId: string,
  event: WebhookEvent,
): Promise<{ eventId: string; deliveryId: string }> {
  const eventId = newTimeOrderedId('evt', event.at);
  const deliveryId = newTimeOrderedId('dlv', event.at);
  await insertWebhookEvents(
    tx,
    [
      {
        id: eventId,
        account_id: event.accountId,
        mode: event.mode,
        type: event.type,
        payload: eventBody(eventId, event.type, event.at, event.data),
        deferred_data: null,
        created_at: event.at,
      },
    ],
    [{ id: deliveryId, endpointId, eventId, at: event.at }],
  );
  return { eventId, deliveryId };
}
