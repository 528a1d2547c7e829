// Webhook endpoints and deliveries → the API's JSON. The secret is never part of an endpoint's listing: it is
// shown once, by the route that creates (or rotates) it.
import { iso } from '../presentation/iso-time.ts';
import type { WebhookEndpointRow } from '../store/schema.ts';
import type { AttemptRow, DeliveryListing } from '../store/webhooks.ts';

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function presentWebhookEndpoint(endpoint: WebhookEndpointRow, now: number) {
  const rotating = endpoint.previous_secret_expires_at !== null && endpoint.previous_secret_expires_at > now;
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: JSON.parse(endpoint.events) as string[],
    description: endpoint.description,
    mode: endpoint.mode,
    disabled: endpoint.disabled === 1,
    disabled_reason: endpoint.disabled_reason,
    previous_secret_expires_at: rotating ? iso(endpoint.previous_secret_expires_at!) : null,
    created_at: iso(endpoint.created_at),
    updated_at: iso(endpoint.updated_at),
  };
}

export function presentDelivery(delivery: DeliveryListing, attempts: readonly AttemptRow[]) {
  return {
    id: delivery.id,
    event_id: delivery.event_id,
    event_type: delivery.event_type,
    status: delivery.status,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      started_at: iso(a.started_at),
      duration_ms: a.duration_ms,
      response_status: a.response_status,
      response_body: a.response_body,
      error: a.error,
    })),
    next_attempt_at: isoOrNull(delivery.next_attempt_at),
    created_at: iso(delivery.created_at),
    delivered_at: isoOrNull(delivery.delivered_at),
  };
}
