// An account manages its own keys. A test key sees and manages only test keys, so a leaked test key can
// never mint or revoke live ones.
import type { FastifyInstance } from 'fastify';
import { createApiKey, listKeys, revokeKey } from '../../accounts/accounts.ts';
import type { ApiKeyRow } from '../../store/schema.ts';
import type { ApiContext } from '../context.ts';
import { notFound, sendError } from '../errors.ts';
import { iso } from '../iso-time.ts';
import { createKeyBody, videoIdParams } from '../schemas.ts';
import { validate } from '../validation.ts';

export function presentKey(key: ApiKeyRow) {
  return {
    id: key.id,
    prefix: key.prefix,
    mode: key.mode,
    name: key.name,
    created_at: iso(key.created_at),
    last_used_at: key.last_used_at === null ? null : iso(key.last_used_at),
    revoked_at: key.revoked_at === null ? null : iso(key.revoked_at),
  };
}

export function registerKeys(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/keys', async (request) => {
    const { account, mode } = request.auth;
    const keys = await listKeys(ctx.store, account.id);
    return { keys: keys.filter((k) => mode === 'live' || k.mode === 'test').map(presentKey) };
  });

  app.post('/keys', async (request, reply) => {
    const body = validate(createKeyBody, request.body);
    if (!body.ok) return sendError(reply, body.error);
    const { account, mode: callerMode } = request.auth;
    const mode = body.value.mode ?? callerMode;
    if (callerMode === 'test' && mode === 'live') {
      return reply
        .code(403)
        .send({ error: 'Access denied', message: 'A test key can only create test keys' });
    }
    const created = await createApiKey(ctx.store, {
      accountId: account.id,
      mode,
      name: body.value.name ?? null,
      now: ctx.clock.now(),
    });
    if (!created.ok) return sendError(reply, notFound('Account'));
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

  app.delete('/keys/:id', async (request, reply) => {
    const params = validate(videoIdParams, request.params, 'id');
    if (!params.ok) return sendError(reply, notFound('Key'));
    const { account, mode } = request.auth;
    const keys = await listKeys(ctx.store, account.id);
    const target = keys.find((k) => k.id === params.value.id && (mode === 'live' || k.mode === 'test'));
    if (!target || target.revoked_at !== null) return sendError(reply, notFound('Key'));
    await revokeKey(ctx.store, account.id, target.id, ctx.clock.now());
    return { id: target.id, revoked: true };
  });
}
