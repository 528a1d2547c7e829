// The operator API under /admin/v1 (Authorization: Bearer CONTENTSTATS_ADMIN_TOKEN).
import type { FastifyInstance } from 'fastify';
import { createAccount, listKeys } from '../../accounts/accounts.ts';
import { microUsdToUsd, usdToMicroUsd } from '../../billing/money.ts';
import { findAccount } from '../../store/accounts.ts';
import { ledgerTotals } from '../../store/ledger.ts';
import { changeAccount, changeFunds } from '../../tracking/change-account.ts';
import { cancelVideo } from '../../tracking/lifecycle.ts';
import type { ApiContext } from '../context.ts';
import {
  accountDetailSchema,
  accountResultSchema,
  cancelledVideoSchema,
  errorSchema,
  newAccountSchema,
  statusConflictSchema,
  validationErrorSchema,
} from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { accountErrorReply, fundsErrorReply, transitionErrorReply } from '../error-replies.ts';
import { notFound, sendError } from '../errors.ts';
import { presentAccount, presentKey } from '../presenters.ts';
import { createAccountBody, creditsBody, patchAccountBody, videoIdParams } from '../schemas.ts';

const accountNotFound = notFound('Account');

export const createAccountRoute = defineRoute({
  method: 'POST',
  path: '/admin/v1/accounts',
  operationId: 'createAccount',
  tag: 'admin',
  summary: 'Create an account with a live and a test key (both shown once)',
  auth: 'admin',
  body: createAccountBody,
  responses: {
    201: jsonResponse('The account and its keys', newAccountSchema, examples.newAccount),
    409: jsonResponse('An account with this email already exists', errorSchema),
  },
});

export const getAccountRoute = defineRoute({
  method: 'GET',
  path: '/admin/v1/accounts/{id}',
  operationId: 'getAccount',
  tag: 'admin',
  summary: 'An account, its keys and its ledger totals',
  auth: 'admin',
  params: videoIdParams,
  unknownId: accountNotFound,
  responses: {
    200: jsonResponse('The account', accountDetailSchema, examples.accountDetail),
    404: jsonResponse('Account not found', errorSchema),
  },
});

export const addCreditRoute = defineRoute({
  method: 'POST',
  path: '/admin/v1/accounts/{id}/credits',
  operationId: 'addCredit',
  tag: 'admin',
  summary: 'Add credit (or a negative adjustment, never below what is reserved)',
  auth: 'admin',
  params: videoIdParams,
  unknownId: accountNotFound,
  body: creditsBody,
  responses: {
    201: jsonResponse('The account after the credit', accountResultSchema, examples.accountResult),
    400: jsonResponse(
      'Invalid request, or an adjustment that would take the balance below what is reserved',
      validationErrorSchema,
    ),
    404: jsonResponse('Account not found', errorSchema),
  },
});

export const updateAccountRoute = defineRoute({
  method: 'PATCH',
  path: '/admin/v1/accounts/{id}',
  operationId: 'updateAccount',
  tag: 'admin',
  summary: 'Change plan, limits or the disabled flag (disabling cancels its trackings)',
  auth: 'admin',
  params: videoIdParams,
  unknownId: accountNotFound,
  body: patchAccountBody,
  responses: {
    200: jsonResponse('The account', accountResultSchema, examples.accountResult),
    404: jsonResponse('Account not found', errorSchema),
  },
});

export const cancelVideoRoute = defineRoute({
  method: 'POST',
  path: '/admin/v1/videos/{id}/cancel',
  operationId: 'cancelVideo',
  tag: 'admin',
  summary: 'Cancel a tracking (what is left of its reservation is released)',
  auth: 'admin',
  params: videoIdParams,
  unknownId: notFound('Video'),
  responses: {
    200: jsonResponse('Cancelled', cancelledVideoSchema, examples.cancelledVideo),
    404: jsonResponse('Video not found', errorSchema),
    409: jsonResponse('The tracking has already ended (`status` says how)', statusConflictSchema),
  },
});

export function registerAdmin(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, createAccountRoute, async (_request, reply, { body }) => {
    const created = await createAccount(ctx.store, {
      email: body.email,
      plan: body.plan,
      creditMicroUsd: usdToMicroUsd(body.credit_usd ?? 0),
      now: ctx.clock.now(),
    });
    if (!created.ok) return sendError(reply, accountErrorReply(created.error));
    return reply.code(201).send({
      account: presentAccount(created.value.account),
      api_key: created.value.liveKey.key,
      test_api_key: created.value.testKey.key,
    });
  });

  registerRoute(app, getAccountRoute, async (_request, reply, { params }) => {
    const account = await findAccount(ctx.store, params.id);
    if (!account) return sendError(reply, accountNotFound);
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

  registerRoute(app, addCreditRoute, async (_request, reply, { params, body }) => {
    const result = await changeFunds(ctx.store, {
      accountId: params.id,
      amountMicroUsd: usdToMicroUsd(body.amount_usd),
      note: body.note ?? null,
      now: ctx.clock.now(),
    });
    if (!result.ok) return sendError(reply, fundsErrorReply(result.error));
    return reply.code(201).send({ account: presentAccount(result.value) });
  });

  registerRoute(app, updateAccountRoute, async (_request, reply, { params, body }) => {
    const { disabled, ...rest } = body;
    const result = await changeAccount(
      ctx.store,
      params.id,
      { ...rest, ...(disabled === undefined ? {} : { disabled: disabled ? 1 : 0 }) },
      ctx.clock.now(),
    );
    if (!result.ok) return sendError(reply, accountErrorReply(result.error));
    return { account: presentAccount(result.value.account) };
  });

  registerRoute(app, cancelVideoRoute, async (_request, reply, { params }) => {
    const result = await cancelVideo(ctx.store, params.id, ctx.clock.now(), 'cancelled by the operator');
    if (!result.ok) return sendError(reply, transitionErrorReply(result.error));
    const { video, previous } = result.value;
    return {
      success: true,
      id: video.id,
      previous_status: previous,
      new_status: video.status,
    };
  });
}
