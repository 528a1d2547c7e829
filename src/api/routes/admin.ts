// The operator API under /admin/v1 (Authorization: Bearer CONTENTSTATS_ADMIN_TOKEN).
import type { FastifyInstance } from 'fastify';
import { changeAccountSettings, createAccount, listKeys } from '../../accounts/accounts.ts';
import { addCredit } from '../../billing/funds.ts';
import { microUsdToUsd, usdToMicroUsd } from '../../billing/money.ts';
import { effectiveLimits } from '../../billing/plans.ts';
import { findAccount } from '../../store/accounts.ts';
import { ledgerTotals } from '../../store/ledger.ts';
import type { Account } from '../../store/schema.ts';
import { cancelAccountVideos } from '../../tracking/cancel-account.ts';
import { cancelVideo } from '../../tracking/lifecycle.ts';
import type { ApiContext } from '../context.ts';
import { conflict, invalidRequest, notFound, sendError } from '../errors.ts';
import { iso } from '../iso-time.ts';
import { createAccountBody, creditsBody, patchAccountBody, videoIdParams } from '../schemas.ts';
import { validate } from '../validation.ts';
import { presentKey } from './keys.ts';

export function presentAccount(account: Account) {
  const limits = effectiveLimits(account);
  return {
    id: account.id,
    email: account.email,
    plan: account.plan,
    disabled: account.disabled === 1,
    balance_usd: microUsdToUsd(account.balance_micro_usd),
    reserved_usd: microUsdToUsd(account.reserved_micro_usd),
    available_usd: microUsdToUsd(account.balance_micro_usd - account.reserved_micro_usd),
    rate_limit_per_minute: limits.requestsPerMinute,
    max_active_videos: limits.maxActiveVideos,
    overrides: {
      rate_limit_per_minute: account.rate_limit_per_minute,
      max_active_videos: account.max_active_videos,
    },
    created_at: iso(account.created_at),
  };
}

export function registerAdmin(app: FastifyInstance, ctx: ApiContext): void {
  app.post('/accounts', async (request, reply) => {
    const body = validate(createAccountBody, request.body);
    if (!body.ok) return sendError(reply, body.error);
    const created = await createAccount(ctx.store, {
      email: body.value.email,
      plan: body.value.plan,
      creditMicroUsd: usdToMicroUsd(body.value.credit_usd ?? 0),
      now: ctx.clock.now(),
    });
    if (!created.ok) return sendError(reply, conflict('An account with this email already exists'));
    return reply.code(201).send({
      account: presentAccount(created.value.account),
      api_key: created.value.liveKey.key,
      test_api_key: created.value.testKey.key,
    });
  });

  app.get('/accounts/:id', async (request, reply) => {
    const params = validate(videoIdParams, request.params, 'id');
    if (!params.ok) return sendError(reply, notFound('Account'));
    const account = await findAccount(ctx.store, params.value.id);
    if (!account) return sendError(reply, notFound('Account'));
    const [keys, totals] = await Promise.all([
      listKeys(ctx.store, account.id),
      ledgerTotals(ctx.store, account.id),
    ]);
    return {
      account: presentAccount(account),
      keys: keys.map(presentKey),
      ledger: {
        balance_usd: microUsdToUsd(totals.balanceMicroUsd),
        reserved_usd: microUsdToUsd(totals.reservedMicroUsd),
        charged_usd: microUsdToUsd(totals.chargedMicroUsd),
        charges: totals.charges,
      },
    };
  });

  app.post('/accounts/:id/credits', async (request, reply) => {
    const params = validate(videoIdParams, request.params, 'id');
    if (!params.ok) return sendError(reply, notFound('Account'));
    const body = validate(creditsBody, request.body);
    if (!body.ok) return sendError(reply, body.error);
    const result = await addCredit(ctx.store, {
      accountId: params.value.id,
      amountMicroUsd: usdToMicroUsd(body.value.amount_usd),
      note: body.value.note ?? null,
      now: ctx.clock.now(),
    });
    if (!result.ok) {
      if (result.error.kind === 'account_not_found') return sendError(reply, notFound('Account'));
      return sendError(
        reply,
        invalidRequest([
          {
            field: 'amount_usd',
            message: `would take the balance below what is reserved (available ${microUsdToUsd(result.error.availableMicroUsd)})`,
          },
        ]),
      );
    }
    return reply.code(201).send({ account: presentAccount(result.value) });
  });

  app.patch('/accounts/:id', async (request, reply) => {
    const params = validate(videoIdParams, request.params, 'id');
    if (!params.ok) return sendError(reply, notFound('Account'));
    const body = validate(patchAccountBody, request.body);
    if (!body.ok) return sendError(reply, body.error);
    const { disabled, ...rest } = body.value;
    const result = await changeAccountSettings(ctx.store, params.value.id, {
      ...rest,
      ...(disabled === undefined ? {} : { disabled: disabled ? 1 : 0 }),
    });
    if (!result.ok) return sendError(reply, notFound('Account'));
    // A disabled account's trackings are cancelled (their reservations released).
    if (disabled === true) await cancelAccountVideos(ctx.store, result.value.id, ctx.clock.now());
    return { account: presentAccount((await findAccount(ctx.store, result.value.id))!) };
  });

  app.post('/videos/:id/cancel', async (request, reply) => {
    const params = validate(videoIdParams, request.params, 'id');
    if (!params.ok) return sendError(reply, notFound('Video'));
    const result = await cancelVideo(
      ctx.store,
      params.value.id,
      ctx.clock.now(),
      'cancelled by the operator',
    );
    if (!result.ok) {
      if (result.error.kind === 'video_not_found') return sendError(reply, notFound('Video'));
      return sendError(
        reply,
        conflict(result.error.kind === 'invalid_state' ? result.error.message : 'Cannot cancel'),
      );
    }
    return {
      success: true,
      id: result.video.id,
      previous_status: result.previous,
      new_status: result.video.status,
    };
  });
}
