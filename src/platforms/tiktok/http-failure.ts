// What an HTTP-level outcome means for a TikTok collection, before any page is parsed.
import type { OutboundFailureKind, OutboundResponse } from '../../http/types.ts';
import { outboundFailure } from '../outbound-failure.ts';
import { retryAfterMs } from '../retry-after.ts';
import type { CollectFailure } from '../types.ts';

export const classifyOutboundFailure = (
  kind: OutboundFailureKind,
  message: string,
  url: string,
): CollectFailure => outboundFailure('TikTok', { kind, message }, url);

/** Null for a 2xx answer (the page decides); otherwise what the status says. */
export function classifyHttpStatus(response: OutboundResponse, nowMs: number): CollectFailure | null {
  const { status } = response;
  if (status >= 200 && status < 300) return null;
  if (status === 429) {
    const waitMs = retryAfterMs(response.headers['retry-after'], nowMs);
    return {
      kind: 'rate_limited',
      message: 'TikTok answered HTTP 429',
      ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }),
    };
  }
  // TikTok answers a missing video with a 200 page and a statusCode; a bare 404/410 still means it is gone.
  if (status === 404) return { kind: 'not_found', message: 'TikTok answered HTTP 404' };
  if (status === 410) return { kind: 'not_found', deleted: true, message: 'TikTok answered HTTP 410' };
  if (status === 401 || status === 403) return { kind: 'blocked', message: `TikTok answered HTTP ${status}` };
  return { kind: 'transient', message: `TikTok answered HTTP ${status}` };
}
