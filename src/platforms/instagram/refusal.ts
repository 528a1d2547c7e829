// How Instagram turns a logged-out visitor away, the same for its GraphQL endpoint and its pages:
// a redirect to /accounts/login/ (its limit for anonymous visitors has been reached), a JSON body with
// `require_login: true` or "Please wait a few minutes before you try again.", a checkpoint for a
// session that must be re-verified, or a plain 429.

import type { OutboundResponse } from '../../http/types.ts';
import { classifyHttpStatus } from '../http-failure.ts';
import type { CollectFailure } from '../types.ts';
import { INSTAGRAM_HTTP_STATUSES } from './http-statuses.ts';

const LOGIN_PATHS = ['/accounts/login', '/challenge', '/accounts/suspended'];

/** A login redirect, whether the client followed it (finalUrl) or returned the 3xx. */
export function classifyLoginWall(response: OutboundResponse): CollectFailure | null {
  const location = response.status >= 300 && response.status < 400 ? response.headers.location : undefined;
  const target = location === undefined ? response.finalUrl : resolve(location, response.finalUrl);
  const path = target === undefined ? '' : pathOf(target);
  if (LOGIN_PATHS.some((prefix) => path.startsWith(prefix))) {
    return {
      kind: 'rate_limited',
      message: 'Instagram sent us to its login page (limit for logged-out visitors)',
    };
  }
  return null;
}

/** Throttling, login demands and server errors; null when the answer is none of these. */
export function classifyRefusal(
  response: OutboundResponse,
  json: unknown,
  nowMs: number,
): CollectFailure | null {
  // A rate limit is one whatever the body says.
  if (response.status === 429)
    return classifyHttpStatus('Instagram', response, nowMs, INSTAGRAM_HTTP_STATUSES);
  const body = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const message = typeof body.message === 'string' ? body.message : '';
  if (
    message === 'checkpoint_required' ||
    message === 'challenge_required' ||
    message === 'feedback_required'
  ) {
    // The session (or this address) must pass a check in a browser before Instagram answers again.
    return { kind: 'blocked', message: `Instagram demands a ${message.replace('_required', '')}` };
  }
  if (body.require_login === true || /wait a few minutes/i.test(message) || response.status === 401) {
    return { kind: 'rate_limited', message: `Instagram requires a login${message ? `: ${message}` : ''}` };
  }
  return classifyHttpStatus('Instagram', response, nowMs, INSTAGRAM_HTTP_STATUSES);
}

function resolve(location: string, base: string): string | undefined {
  try {
    return new URL(location, base).href;
  } catch {
    return undefined;
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
