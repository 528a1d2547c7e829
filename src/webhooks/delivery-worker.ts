// Sends the pending webhook deliveries: claims due ones through the database (a lease in next_attempt_at, so
// two workers never send the same delivery at once and a killed worker's deliveries are taken again when
// its lease ends), signs and POSTs each through the outbound HTTP client, records the attempt, and schedules
// the retry or gives up. Runs in every serve (embedded mode) and worker (scale mode) process.
//
// Delivery is at-least-once: a worker that dies after the receiver answered but before recording it leaves
// the delivery to be sent again, with the same webhook-id, which receivers use to drop duplicates.
import type { Clock } from '../clock.ts';
import type { HttpClient, OutboundResult } from '../http/types.ts';
import { enqueueOutbox } from '../store/outbox.ts';
import { type NotInTransaction, writeTransaction } from '../store/transaction.ts';
import {
  type AttemptOutcome,
  claimDueDeliveries,
  type DueDelivery,
  failPendingDeliveries,
  recordDeliveryAttempt,
  updateWebhookEndpoint,
} from '../store/webhooks.ts';
import { expandPendingSnapshots } from './expand-pending-snapshots.ts';
import { MAX_ATTEMPTS, retryDelayAfter } from './retry-schedule.ts';
import { signatureHeader } from './signing.ts';
import { renderDeferredPayload } from './snapshot-payload.ts';

export interface DeliveryLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface DeliveryWorkerOptions {
  store: NotInTransaction;
  clock: Clock;
  /** The outbound client (with CONTENTSTATS_UPSTREAMS); deliveries ask it for public addresses only. */
  http: HttpClient;
  log: DeliveryLog;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: let deliveries reach private and loopback addresses. */
  allowPrivateTargets: boolean;
  /** Deliveries in flight at once in this process. Default 64. */
  maxInFlight?: number;
  /** Deliveries in flight at once to one endpoint. Default 8. */
  maxInFlightPerEndpoint?: number;
  /** Default 10 s. */
  timeoutMs?: number;
  /** A longer answer fails the attempt. Default 64 KB. */
  maxResponseBytes?: number;
  /** How long a claimed delivery is held before another worker may take it. Default 2 min. */
  leaseMs?: number;
  /** An endpoint whose attempts have all failed for this long is disabled. Default 5 days. */
  disableAfterMs?: number;
  /** Jitter of the retry schedule: Math.random by default. */
  random?: () => number;
}

export interface DeliveryRunSummary {
  delivered: number;
  retrying: number;
  failed: number;
}

export interface DeliveryWorker {
  /** Sends everything due now (claiming until nothing is left) and resolves when it has all been recorded. */
  runOnce(): Promise<DeliveryRunSummary>;
  /** Polls every `intervalMs`, and at once whenever a claim came back full. A second call is ignored. */
  start(intervalMs: number): void;
  /** Stops claiming and resolves once the deliveries in flight have been recorded. */
  stop(): Promise<void>;
}

export const WEBHOOK_USER_AGENT = 'contentstats-webhooks/1.0 (+https://contentstats.io/docs/webhooks)';
/** What of an answer's body is kept with the attempt. */
const STORED_BODY_CHARS = 1024;
const DAY_MS = 86_400_000;

const HEADERS_BASE = { 'content-type': 'application/json', 'user-agent': WEBHOOK_USER_AGENT };

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { store, clock, http, log } = options;
  const maxInFlight = options.maxInFlight ?? 64;
  const perEndpoint = options.maxInFlightPerEndpoint ?? 8;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  const leaseMs = options.leaseMs ?? 2 * 60_000;
  const disableAfterMs = options.disableAfterMs ?? 5 * DAY_MS;
  const random = options.random ?? Math.random;

  let inFlight = 0;
  const endpoints = new Map<string, { running: number; waiting: DueDelivery[] }>();
  const summary: DeliveryRunSummary = { delivered: 0, retrying: 0, failed: 0 };
  let idleWaiters: (() => void)[] = [];
  let pumping: Promise<number> | undefined;
  let lastClaimFull = false;
  let active = false;
  let timer: NodeJS.Timeout | undefined;

  /** Claims what fits and starts it; resolves with how many were claimed. One claim at a time. */
  function pump(): Promise<number> {
    pumping ??= claimAndStart().finally(() => {
      pumping = undefined;
    });
    return pumping;
  }

  async function claimAndStart(): Promise<number> {
    // Claimed a few at a time: one claim could otherwise fill every slot with a single endpoint's deliveries,
    // and a hanging endpoint would hold up the others until its timeouts ran out.
    const room = Math.min(maxInFlight - inFlight, 2 * perEndpoint);
    if (room <= 0) return 0;
    const saturated = [...endpoints].filter(([, e]) => e.running >= perEndpoint).map(([id]) => id);
    await expandPendingSnapshots(store, 10);
    const now = clock.now();
    const claimed = await claimDueDeliveries(store, now, now + leaseMs, room, saturated);
    lastClaimFull = claimed.length === room;
    for (const delivery of claimed) {
      inFlight++;
      let endpoint = endpoints.get(delivery.endpoint_id);
      if (!endpoint) {
        endpoint = { running: 0, waiting: [] };
        endpoints.set(delivery.endpoint_id, endpoint);
      }
      endpoint.waiting.push(delivery);
      startWaiting(delivery.endpoint_id);
    }
    return claimed.length;
  }

  function startWaiting(endpointId: string): void {
    const endpoint = endpoints.get(endpointId)!;
    while (endpoint.running < perEndpoint && endpoint.waiting.length > 0) {
      const delivery = endpoint.waiting.shift()!;
      endpoint.running++;
      void attempt(delivery)
        .catch((error: unknown) =>
          log.error(
            { delivery_id: delivery.id, error: errorText(error) },
            'recording a webhook delivery failed',
          ),
        )
        .finally(() => {
          endpoint.running--;
          inFlight--;
          if (endpoint.running === 0 && endpoint.waiting.length === 0) endpoints.delete(endpointId);
          else startWaiting(endpointId);
          // A claim is worth trying again when it may find something new: an endpoint has free slots again
          // (it is no longer left out of claims), everything finished, or the last claim came back full.
          // Claiming on every finish would scan the backlog of busy endpoints each time.
          const freed = endpoint.running < perEndpoint && endpoint.waiting.length === 0;
          if (freed || inFlight === 0 || lastClaimFull) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const resolve of waiters) resolve();
            if (active) void pump().catch(logPumpError);
          }
        });
    }
  }

  /** Resolves when a claim may find more (see above), at once when nothing is in flight. */
  const claimWorthTrying = (): Promise<void> =>
    inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
  const idle = async (): Promise<void> => {
    while (inFlight > 0) await claimWorthTrying();
  };

  const logPumpError = (error: unknown) =>
    log.error({ error: errorText(error) }, 'claiming webhook deliveries failed; trying again next interval');

  async function attempt(delivery: DueDelivery): Promise<void> {
    const startedAt = clock.now();
    const started = performance.now();
    const payload =
      delivery.payload ??
      (delivery.deferred_data === null
        ? undefined
        : await renderDeferredPayload(store, {
            id: delivery.event_id,
            type: delivery.event_type,
            createdAt: delivery.event_created_at,
            deferredData: delivery.deferred_data,
          }));
    const result: OutboundResult | null =
      delivery.disabled || payload === undefined ? null : await send(delivery, payload, startedAt);
    const durationMs = Math.round(performance.now() - started);
    const status = result?.ok ? result.value.status : null;
    const delivered = status !== null && status >= 200 && status < 300;
    const error = delivered
      ? null
      : payload === undefined
        ? 'the video or snapshot of this event no longer exists'
        : failureText(result);
    const nextDelay = delivered || delivery.disabled ? null : retryDelayAfter(delivery.attempts, random);
    const outcome: AttemptOutcome = {
      deliveryId: delivery.id,
      attempt: delivery.attempts,
      startedAt,
      durationMs,
      responseStatus: status,
      responseBody: result?.ok ? result.value.body.slice(0, STORED_BODY_CHARS) : null,
      error,
      status: delivered ? 'delivered' : nextDelay === null ? 'failed' : 'pending',
      nextAttemptAt: nextDelay === null ? null : clock.now() + nextDelay,
    };
    const fields = { delivery_id: delivery.id, event_id: delivery.event_id, attempt: delivery.attempts };
    await writeTransaction(store, async (tx) => {
      if (!(await recordDeliveryAttempt(tx, outcome))) return;
      if (delivered) {
        if (delivery.failing_since !== null) {
          await updateWebhookEndpoint(tx, delivery.endpoint_id, { failing_since: null });
        }
        return;
      }
      if (delivery.disabled) return;
      const failingSince = delivery.failing_since ?? startedAt;
      if (delivery.failing_since === null) {
        await updateWebhookEndpoint(tx, delivery.endpoint_id, { failing_since: startedAt });
      } else if (startedAt - failingSince >= disableAfterMs) {
        await disableEndpoint(tx, delivery, startedAt);
      }
    });
    if (delivered) summary.delivered++;
    else if (outcome.status === 'failed') summary.failed++;
    else summary.retrying++;
    if (!delivered)
      log.warn(
        { ...fields, error },
        `webhook delivery ${outcome.status === 'failed' ? 'failed' : 'will be retried'}`,
      );
  }

  async function disableEndpoint(
    tx: Parameters<Parameters<typeof writeTransaction>[1]>[0],
    delivery: DueDelivery,
    now: number,
  ): Promise<void> {
    const reason = `every delivery failed for ${Math.round(disableAfterMs / DAY_MS)} days`;
    await updateWebhookEndpoint(tx, delivery.endpoint_id, {
      disabled: 1,
      disabled_reason: reason,
      updated_at: now,
    });
    await failPendingDeliveries(tx, delivery.endpoint_id);
    await enqueueOutbox(tx, {
      kind: 'email',
      accountId: delivery.account_id,
      payload: { event: 'webhook.disabled', webhook_id: delivery.endpoint_id, url: delivery.url, reason },
      at: now,
    });
    log.warn({ webhook_id: delivery.endpoint_id, reason }, 'webhook endpoint disabled');
  }

  function send(delivery: DueDelivery, payload: string, now: number): Promise<OutboundResult> {
    const timestamp = Math.floor(now / 1000);
    const secrets =
      delivery.previous_secret !== null && (delivery.previous_secret_expires_at ?? 0) > now
        ? [delivery.secret, delivery.previous_secret]
        : [delivery.secret];
    return http.fetch({
      url: delivery.url,
      method: 'POST',
      headers: {
        ...HEADERS_BASE,
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, delivery.event_id, timestamp, payload),
      },
      body: payload,
      allowedHosts: [new URL(delivery.url).host],
      maxRedirects: 0,
      timeoutMs,
      maxBodyBytes: maxResponseBytes,
      onlyPublicAddresses: !options.allowPrivateTargets,
    });
  }

  function failureText(result: OutboundResult | null): string {
    if (result === null) return 'the endpoint is disabled';
    if (!result.ok) return `${result.error.kind}: ${result.error.message}`;
    const { status, headers } = result.value;
    if (status >= 300 && status < 400) {
      return `HTTP ${status}: redirects are not followed${headers.location ? ` (to ${headers.location.slice(0, 200)})` : ''}`;
    }
    return `HTTP ${status}`;
  }

  return {
    async runOnce() {
      const before = { ...summary };
      for (;;) {
        const claimed = await pump();
        if (claimed > 0 && inFlight < maxInFlight) continue;
        if (inFlight === 0) break;
        await claimWorthTrying();
      }
      return {
        delivered: summary.delivered - before.delivered,
        retrying: summary.retrying - before.retrying,
        failed: summary.failed - before.failed,
      };
    },
    start(intervalMs) {
      if (active) return;
      active = true;
      const tick = () => {
        timer = undefined;
        pump()
          .catch(logPumpError)
          .finally(() => {
            if (active) timer = setTimeout(tick, intervalMs);
          });
      };
      timer = setTimeout(tick, 0);
    },
    async stop() {
      active = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await pumping?.catch(() => undefined);
      await idle();
    },
  };
}

export const WEBHOOK_MAX_ATTEMPTS = MAX_ATTEMPTS;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
