// An account manages its own keys. A test key sees and manages only test keys, so a leaked test key can
// never mint or revoke live ones.
import type { FastifyInstance } from 'fastify';
import { createApiKey, listKeys, revokeKey } from '../../accounts/accounts.ts';
import type { ApiContext } from '../context.ts';
import { errorSchema, keyListSchema, newApiKeySchema, revokedKeySchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { accountErrorReply } from '../error-replies.ts';
import { notFound, sendError } from '../errors.ts';
import { iso } from '../iso-time.ts';
import { presentKey } from '../presenters.ts';
import { createKeyBody, videoIdParams } from '../schemas.ts';

export const listKeysRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/keys',
  operationId: 'listKeys',
  tag: 'keys',
  summary: "The account's keys (prefix only); a test key sees only test keys",
  auth: 'apiKey',
  responses: { 200: jsonResponse('Keys', keyListSchema, examples.keyList) },
});

export const createKeyRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/keys',
  operationId: 'createKey',
  tag: 'keys',
  summary: "Create a key (shown once); mode defaults to the calling key's",
  auth: 'apiKey',
  body: createKeyBody,
  bodyRequired: false,
  responses: {
    201: jsonResponse('The new key', newApiKeySchema, examples.newKey),
    403: jsonResponse('A test key cannot create live keys, or the account is disabled', errorSchema),
  },
});

export const revokeKeyRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/keys/{id}',
  operationId: 'revokeKey',
  tag: 'keys',
  summary: 'Revoke a key; it is refused from the next request on',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: notFound('Key'),
  responses: {
    200: jsonResponse('Revoked', revokedKeySchema, examples.revokedKey),
    404: jsonResponse('Key not found (or already revoked)', errorSchema),
  },
});

export function registerKeys(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, listKeysRoute, async (request) => {
    const { account, mode } = request.auth;
    return { keys: (await listKeys(ctx.store, account.id, mode)).map(presentKey) };
  });

  registerRoute(app, createKeyRoute, async (request, reply, { body }) => {
    const { account, mode: callerMode } = request.auth;
    const created = await createApiKey(ctx.store, {
      accountId: account.id,
      mode: body.mode ?? callerMode,
      name: body.name ?? null,
      callerMode,
      now: ctx.clock.now(),
    });
    if (!created.ok) return sendError(reply, accountErrorReply(created.error));
    const key = created.value;
    return reply.code(201).send({
      id: key.id,
      prefix: key.prefix,
      mode: key.mode,
      name: key.name,
      created_at: iso(key.createdAt),
      api_key: key.key,
      notice: 'Store this key now: it is shown only once.',
    });
  });

  registerRoute(app, revokeKeyRoute, async (request, reply, { params }) => {
    const { account, mode } = request.auth;
    const revoked = await revokeKey(ctx.store, {
      accountId: account.id,
      keyId: params.id,
      callerMode: mode,
      now: ctx.clock.now(),
    });
    if (!revoked.ok) return sendError(reply, accountErrorReply(revoked.error));
    return { id: params.id, revoked: true };
  });
}
