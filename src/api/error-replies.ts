// What each domain error answers over HTTP: one function per error union, each an exhaustive switch, so a new
// kind does not compile until it is given an answer here. The routes only call these.
import type { AccountError } from '../accounts/accounts.ts';
import type { ShareLinkError } from '../accounts/share-links.ts';
import type { FundsError } from '../billing/funds.ts';
import { microUsdToUsd } from '../billing/money.ts';
import { PLAN_NAMES } from '../billing/plans.ts';
import { failureReason, noCollectorReason } from '../platforms/failure-reason.ts';
import type { TransitionError } from '../tracking/lifecycle.ts';
import type { TrackError } from '../tracking/track.ts';
import type { WebhookError } from '../webhooks/endpoints.ts';
import {
  type ApiErrorReply,
  accessDenied,
  conflict,
  insufficientBalance,
  invalidRequest,
  notFound,
  TRACK_FAILED_ERROR,
  videoNotFound,
} from './errors.ts';

/** Reached only by a kind no case answers, which the type check refuses: `error` is then not `never`. */
function unmapped(error: never): never {
  throw new Error(`no HTTP answer for error ${JSON.stringify(error)}`);
}

export function accountErrorReply(error: AccountError): ApiErrorReply {
  switch (error.kind) {
    case 'email_taken':
      return conflict('An account with this email already exists');
    case 'account_not_found':
      return notFound('Account');
    case 'invalid_plan':
      return invalidRequest([{ field: 'plan', message: `plan must be one of ${PLAN_NAMES.join(', ')}` }]);
    case 'live_key_from_test_key':
      return accessDenied('A test key can only create test keys');
    case 'key_not_found':
      return notFound('Key');
    default:
      return unmapped(error);
  }
}

export function fundsErrorReply(error: FundsError): ApiErrorReply {
  switch (error.kind) {
    case 'account_not_found':
      return notFound('Account');
    case 'would_overdraw':
      return invalidRequest([
        {
          field: 'amount_usd',
          message: `would take the balance below what is reserved (available ${microUsdToUsd(error.availableMicroUsd)})`,
        },
      ]);
    default:
      return unmapped(error);
  }
}

/** Stop, pause, resume (the owner's) and cancel (the operator's). */
export function transitionErrorReply(error: TransitionError): ApiErrorReply {
  switch (error.kind) {
    case 'video_not_found':
      return videoNotFound;
    case 'invalid_state':
      return conflict(error.message, { status: error.status });
    case 'insufficient_balance':
      return insufficientBalance(error.availableMicroUsd, error.estimatedCostMicroUsd);
    case 'window_over':
      return conflict('The tracking window has passed; the video is completed', { status: 'completed' });
    default:
      return unmapped(error);
  }
}

export function trackErrorReply(error: TrackError): ApiErrorReply {
  switch (error.kind) {
    case 'invalid_url':
      return invalidRequest([{ field: 'video_link', message: error.message }]);
    case 'account_disabled':
      return accessDenied('This account is disabled');
    case 'insufficient_balance':
      return insufficientBalance(error.availableMicroUsd, error.estimatedCostMicroUsd);
    case 'active_video_limit':
      return {
        status: 403,
        body: {
          error: `Concurrent video limit reached: at most ${error.limit} videos can be monitored at once`,
          limit: error.limit,
        },
      };
    case 'video_unavailable':
      return { status: 404, body: { error: 'Video not found or is private' } };
    case 'platform_unreadable':
      return platformUnreadable(failureReason(error.platform, error.failure));
    case 'no_collector':
      return platformUnreadable(noCollectorReason(error.platform));
    case 'superseded':
      return conflict('A retry with this Idempotency-Key took over this request; nothing was started');
    default:
      return unmapped(error);
  }
}

/** Track's 500, with what went wrong in `reason`. */
const platformUnreadable = (reason: string): ApiErrorReply => ({
  status: 500,
  body: { error: TRACK_FAILED_ERROR, reason },
});

export function shareLinkErrorReply(error: ShareLinkError): ApiErrorReply {
  switch (error.kind) {
    case 'video_not_found':
      return videoNotFound;
    case 'expiry_not_in_future':
      return invalidRequest([{ field: 'expires_at', message: 'expires_at must be in the future' }]);
    case 'share_link_not_found':
      return notFound('Share link');
    default:
      return unmapped(error);
  }
}

export function webhookErrorReply(error: WebhookError): ApiErrorReply {
  switch (error.kind) {
    case 'webhook_not_found':
      return notFound('Webhook');
    case 'delivery_not_found':
      return notFound('Delivery');
    case 'endpoint_limit':
      return {
        status: 403,
        body: {
          error: 'Webhook limit reached',
          message: `The plan allows ${error.limit} webhook endpoints per mode`,
          limit: error.limit,
        },
      };
    case 'invalid_url':
      return invalidRequest([{ field: 'url', message: error.message }]);
    case 'account_not_found':
      return notFound('Account');
    default:
      return unmapped(error);
  }
}
