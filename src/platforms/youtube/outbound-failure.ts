// What an outbound failure or an unexpected HTTP status means for a YouTube collection.

import type { OutboundFailureKind, OutboundResponse } from '../../http/types.ts';
import { outboundFailure } from '../outbound-failure.ts';
import { retryAfterMs as parseRetryAfterMs } from '../retry-after.ts';
import type { CollectFailure } from '../types.ts';

export const classifyOutboundFailure = (
  kind: OutboundFailureKind,
  message: string,
  url: string,
): CollectFailure => outboundFailure('YouTube', { kind, message }, url);

/** Classifies a non-2xx, non-3xx answer. */
export function classifyHttpStatus(response: OutboundResponse, nowMs: number): CollectFailure {
  const { status } = response;
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], nowMs);
    return {
      kind: 'rate_limited',
      message: 'YouTube answered 429 Too Many Requests',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status >= 500) return { kind: 'transient', message: `YouTube answered HTTP ${status}` };
  if (status === 404 || status === 410)
    return { kind: 'not_found', message: `YouTube answered HTTP ${status}` };
  if (status === 401 || status === 403 || status === 451) {
    return { kind: 'blocked', message: `YouTube refused the request (HTTP ${status})` };
  }
  return { kind: 'format_changed', message: `YouTube answered HTTP ${status}` };
}
