// What an outbound failure or an unexpected HTTP status means for a YouTube collection.

import type { OutboundFailureKind, OutboundResponse } from '../../http/types.ts';
import type { CollectFailure } from '../types.ts';
import { parseRetryAfterMs } from './retry-after.ts';

export function classifyOutboundFailure(kind: OutboundFailureKind, message: string): CollectFailure {
  switch (kind) {
    case 'timeout':
    case 'network':
    case 'aborted':
      return { kind: 'transient', message: `YouTube request failed (${kind}): ${message}` };
    case 'too_large':
      return { kind: 'format_changed', message: 'YouTube answered with a body larger than the cap' };
    case 'host_not_allowed':
    case 'too_many_redirects':
      return { kind: 'blocked', message: `YouTube redirected somewhere we do not follow (${kind})` };
  }
}

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
