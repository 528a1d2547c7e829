// An account's webhook endpoints and their deliveries. Per mode: a test key manages test endpoints, which
// receive test-mode events only. Another account's endpoint or delivery is as unknown as a missing one.
import type { FastifyInstance } from 'fastify';
import { microUsdToUsd } from '../../billing/money.ts';
import { listWebhookEndpoints } from '../../store/webhooks.ts';
import {
  type BalanceAlertSettings,
  balanceAlertSettings,
  changeBalanceAlertThreshold,
} from '../../webhooks/balance-alert-settings.ts';
import {
  changeWebhookEndpoint,
  createWebhookEndpoint,
  deleteOwnedWebhookEndpoint,
  findWebhookEndpoint,
  listEndpointDeliveries,
  redeliver,
  rotateWebhookSecret,
  sendTestEvent,
} from '../../webhooks/endpoints.ts';
import type { ApiContext } from '../context.ts';
import {
  balanceAlertSchema,
  deletedWebhookSchema,
  errorSchema,
  newWebhookEndpointSchema,
  rotatedWebhookSecretSchema,
  validationErrorSchema,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  webhookLimitReachedSchema,
  webhookTestSentSchema,
} from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { webhookErrorReply } from '../error-replies.ts';
import { accessDenied, invalidRequest, notFound, sendError } from '../errors.ts';
import { iso } from '../iso-time.ts';
import {
  balanceAlertBody,
  createWebhookBody,
  patchWebhookBody,
  videoIdParams,
  webhookBodiesFor,
  webhookDeliveriesQuery,
  webhookDeliveryParams,
} from '../schemas.ts';
import { presentDelivery, presentWebhookEndpoint } from '../webhook-presenters.ts';

const DEFAULT_DELIVERIES_LIMIT = 20;
const webhookNotFound = notFound('Webhook');
const notFoundResponse = jsonResponse('No such webhook (or another account’s)', errorSchema);

export const createWebhookRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/webhooks',
  operationId: 'createWebhook',
  tag: 'webhooks',
  summary: 'Register a webhook endpoint; the answer holds its signing secret, shown only here',
  auth: 'apiKey',
  body: createWebhookBody,
  responses: {
    201: jsonResponse('The new endpoint and its secret', newWebhookEndpointSchema, examples.newWebhook),
    400: jsonResponse(
      'A bad url (not https, credentials, an IP address, too long) or events',
      validationErrorSchema,
    ),
    403: jsonResponse("Over the plan's limit of endpoints", webhookLimitReachedSchema),
  },
});

export const listWebhooksRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/webhooks',
  operationId: 'listWebhooks',
  tag: 'webhooks',
  summary: "The endpoints of the calling key's mode, oldest first",
  auth: 'apiKey',
  responses: { 200: jsonResponse('Endpoints', webhookEndpointListSchema, examples.webhookList) },
});

export const getWebhookRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/webhooks/{id}',
  operationId: 'getWebhook',
  tag: 'webhooks',
  summary: 'One endpoint',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: webhookNotFound,
  responses: {
    200: jsonResponse('The endpoint', webhookEndpointSchema, examples.webhook),
    404: notFoundResponse,
  },
});

export const updateWebhookRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/webhooks/{id}',
  operationId: 'updateWebhook',
  tag: 'webhooks',
  summary: 'Change the url, events, description, or disable / enable it',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: webhookNotFound,
  body: patchWebhookBody,
  responses: {
    200: jsonResponse('The endpoint as it now is', webhookEndpointSchema, examples.webhook),
    400: jsonResponse('A bad field', validationErrorSchema),
    404: notFoundResponse,
  },
});

export const deleteWebhookRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/webhooks/{id}',
  operationId: 'deleteWebhook',
  tag: 'webhooks',
  summary: 'Delete an endpoint and its deliveries',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: webhookNotFound,
  responses: {
    200: jsonResponse('Deleted', deletedWebhookSchema, examples.deletedWebhook),
    404: notFoundResponse,
  },
});

export const rotateWebhookSecretRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/webhooks/{id}/rotate-secret',
  operationId: 'rotateWebhookSecret',
  tag: 'webhooks',
  summary: 'A new signing secret; the previous one keeps signing beside it for 24 hours',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: webhookNotFound,
  responses: {
    200: jsonResponse('The new secret', rotatedWebhookSecretSchema, examples.rotatedSecret),
    404: notFoundResponse,
  },
});

export const testWebhookRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/webhooks/{id}/test',
  operationId: 'testWebhook',
  tag: 'webhooks',
  summary: 'Send a webhook.test event to this endpoint',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: webhookNotFound,
  responses: {
    202: jsonResponse('Queued', webhookTestSentSchema, examples.webhookTestSent),
    404: notFoundResponse,
  },
});

export const listWebhookDeliveriesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/webhooks/{id}/deliveries',
  operationId: 'listWebhookDeliveries',
  tag: 'webhooks',
  summary: 'Deliveries to this endpoint, newest first, with each attempt',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: webhookNotFound,
  query: webhookDeliveriesQuery,
  responses: {
    200: jsonResponse('A page of deliveries', webhookDeliveryPageSchema, examples.webhookDeliveryPage),
    400: jsonResponse('A bad limit or cursor', validationErrorSchema),
    404: notFoundResponse,
  },
});

export const redeliverWebhookRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver',
  operationId: 'redeliverWebhook',
  tag: 'webhooks',
  summary: 'Send a delivery’s event again (same webhook-id), as a new delivery',
  auth: 'apiKey',
  params: webhookDeliveryParams,
  unknownId: webhookNotFound,
  responses: {
    202: jsonResponse('The new delivery, pending', webhookDeliverySchema, examples.redelivery),
    404: jsonResponse('No such webhook or delivery', errorSchema),
  },
});

export const getBalanceAlertRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/alerts/balance-low',
  operationId: 'getBalanceAlert',
  tag: 'webhooks',
  summary: 'The balance.low threshold (live money) and whether the alert is armed',
  auth: 'apiKey',
  responses: { 200: jsonResponse('The setting', balanceAlertSchema, examples.balanceAlert) },
});

export const updateBalanceAlertRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/alerts/balance-low',
  operationId: 'updateBalanceAlert',
  tag: 'webhooks',
  summary: 'Set the balance.low threshold (null: one day of current spend); re-arms the alert',
  auth: 'apiKey',
  body: balanceAlertBody,
  responses: {
    200: jsonResponse('The setting', balanceAlertSchema, examples.balanceAlert),
    400: jsonResponse('A bad threshold', validationErrorSchema),
    403: jsonResponse('A test key: test mode has no money to alert about', errorSchema),
  },
});

export const WEBHOOK_ROUTES = [
  getBalanceAlertRoute,
  updateBalanceAlertRoute,
  createWebhookRoute,
  listWebhooksRoute,
  getWebhookRoute,
  updateWebhookRoute,
  deleteWebhookRoute,
  rotateWebhookSecretRoute,
  testWebhookRoute,
  listWebhookDeliveriesRoute,
  redeliverWebhookRoute,
] as const;

export function registerWebhooks(app: FastifyInstance, ctx: ApiContext): void {
  const policy = { allowHttp: ctx.config.webhookAllowHttp };
  const bodies = webhookBodiesFor(policy);
  const ownerOf = (auth: { account: { id: string }; mode: 'live' | 'test' }) => ({
    accountId: auth.account.id,
    mode: auth.mode,
  });

  const presentAlert = (settings: BalanceAlertSettings) => ({
    threshold_usd: settings.thresholdMicroUsd === null ? null : microUsdToUsd(settings.thresholdMicroUsd),
    armed: settings.armed,
  });

  registerRoute(app, getBalanceAlertRoute, async (request) =>
    presentAlert(await balanceAlertSettings(ctx.store, request.auth.account.id)),
  );

  registerRoute(app, updateBalanceAlertRoute, async (request, reply, { body }) => {
    if (request.auth.mode !== 'live') {
      return sendError(reply, accessDenied('balance.low is about live money: use a live key'));
    }
    const threshold = body.threshold_usd === null ? null : Math.round(body.threshold_usd * 1_000_000);
    return presentAlert(await changeBalanceAlertThreshold(ctx.store, request.auth.account.id, threshold));
  });

  registerRoute(app, { ...createWebhookRoute, body: bodies.create }, async (request, reply, { body }) => {
    const now = ctx.clock.now();
    const created = await createWebhookEndpoint(
      ctx.store,
      ownerOf(request.auth),
      { url: body.url, events: body.events, description: body.description ?? null },
      policy,
      now,
    );
    if (!created.ok) return sendError(reply, webhookErrorReply(created.error));
    return reply
      .code(201)
      .send({ ...presentWebhookEndpoint(created.value, now), secret: created.value.secret });
  });

  registerRoute(app, listWebhooksRoute, async (request) => {
    const now = ctx.clock.now();
    const { account, mode } = request.auth;
    const rows = await listWebhookEndpoints(ctx.store, account.id, mode);
    return { webhooks: rows.map((row) => presentWebhookEndpoint(row, now)) };
  });

  registerRoute(app, getWebhookRoute, async (request, reply, { params }) => {
    const found = await findWebhookEndpoint(ctx.store, ownerOf(request.auth), params.id);
    if (!found.ok) return sendError(reply, webhookErrorReply(found.error));
    return presentWebhookEndpoint(found.value, ctx.clock.now());
  });

  registerRoute(
    app,
    { ...updateWebhookRoute, body: bodies.patch },
    async (request, reply, { params, body }) => {
      const now = ctx.clock.now();
      const changed = await changeWebhookEndpoint(
        ctx.store,
        ownerOf(request.auth),
        params.id,
        body,
        policy,
        now,
      );
      if (!changed.ok) return sendError(reply, webhookErrorReply(changed.error));
      return presentWebhookEndpoint(changed.value, now);
    },
  );

  registerRoute(app, deleteWebhookRoute, async (request, reply, { params }) => {
    const deleted = await deleteOwnedWebhookEndpoint(ctx.store, ownerOf(request.auth), params.id);
    if (!deleted.ok) return sendError(reply, webhookErrorReply(deleted.error));
    return { id: params.id, deleted: true };
  });

  registerRoute(app, rotateWebhookSecretRoute, async (request, reply, { params }) => {
    const rotated = await rotateWebhookSecret(ctx.store, ownerOf(request.auth), params.id, ctx.clock.now());
    if (!rotated.ok) return sendError(reply, webhookErrorReply(rotated.error));
    return {
      id: rotated.value.id,
      secret: rotated.value.secret,
      previous_secret_expires_at: iso(rotated.value.previous_secret_expires_at!),
    };
  });

  registerRoute(app, testWebhookRoute, async (request, reply, { params }) => {
    const sent = await sendTestEvent(ctx.store, ownerOf(request.auth), params.id, ctx.clock.now());
    if (!sent.ok) return sendError(reply, webhookErrorReply(sent.error));
    return reply.code(202).send({ event_id: sent.value.eventId, delivery_id: sent.value.deliveryId });
  });

  registerRoute(app, listWebhookDeliveriesRoute, async (request, reply, { params, query }) => {
    const listed = await listEndpointDeliveries(ctx.store, ownerOf(request.auth), params.id, {
      startingAfter: query.starting_after,
      limit: query.limit ?? DEFAULT_DELIVERIES_LIMIT,
    });
    if (!listed.ok) {
      if (listed.error.kind === 'unknown_cursor') {
        return sendError(
          reply,
          invalidRequest([{ field: 'starting_after', message: 'No such delivery of this webhook' }]),
        );
      }
      return sendError(reply, webhookErrorReply(listed.error));
    }
    return {
      deliveries: listed.value.deliveries.map(({ delivery, attempts }) =>
        presentDelivery(delivery, attempts),
      ),
      has_more: listed.value.hasMore,
    };
  });

  registerRoute(app, redeliverWebhookRoute, async (request, reply, { params }) => {
    const sent = await redeliver(
      ctx.store,
      ownerOf(request.auth),
      params.id,
      params.delivery_id,
      ctx.clock.now(),
    );
    if (!sent.ok) return sendError(reply, webhookErrorReply(sent.error));
    return reply.code(202).send(presentDelivery(sent.value.delivery, sent.value.attempts));
  });
}
