import type { OutboundResponse, OutboundResult } from '../../http/types.ts';
import type { CollectFailure } from '../types.ts';

type OutboundFailure = Extract<OutboundResult, { ok: false }>;

/** What a failed exchange (no HTTP answer to read) means for a collection. */
export function transportFailure(source: string, outbound: OutboundFailure): CollectFailure {
  switch (outbound.kind) {
    case 'timeout':
    case 'network':
    case 'aborted':
      return { kind: 'transient', message: `${source}: ${outbound.kind} (${outbound.message})` };
    case 'too_large':
      // A single tweet's JSON is tens of kilobytes; megabytes mean we are not reading what we think.
      return { kind: 'format_changed', message: `${source}: response too large` };
    case 'host_not_allowed':
    case 'too_many_redirects':
      // X's APIs do not redirect; a redirect (to a login or challenge page) means we are being turned away.
      return { kind: 'blocked', message: `${source}: redirected away (${outbound.kind})` };
  }
}

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long the platform asked us to wait: `Retry-After` (seconds or an HTTP date) or X's
 * `x-rate-limit-reset` (unix seconds when the window reopens). Undefined when neither gives a future time.
 */
export function retryAfterMs(headers: Record<string, string>, nowMs: number): number | undefined {
  const retryAfter = headerValue(headers, 'retry-after')?.trim();
  let waitMs: number | undefined;
  if (retryAfter && /^\d+$/.test(retryAfter)) {
    waitMs = Number(retryAfter) * 1000;
  } else if (retryAfter) {
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) waitMs = at - nowMs;
  }
  const reset = headerValue(headers, 'x-rate-limit-reset')?.trim();
  if (waitMs === undefined && reset && /^\d{1,12}$/.test(reset)) waitMs = Number(reset) * 1000 - nowMs;
  if (waitMs === undefined || waitMs <= 0) return undefined;
  return Math.min(waitMs, DAY_MS);
}

export function rateLimitedFailure(
  source: string,
  response: OutboundResponse,
  nowMs: number,
): CollectFailure {
  const waitMs = retryAfterMs(response.headers, nowMs);
  return {
    kind: 'rate_limited',
    message: `${source}: rate limited (HTTP ${response.status})`,
    ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }),
  };
}

/** The statuses every X endpoint means the same way: 429 is a rate limit, 5xx a passing outage. */
export function commonStatusFailure(
  source: string,
  response: OutboundResponse,
  nowMs: number,
): CollectFailure | null {
  if (response.status === 429) return rateLimitedFailure(source, response, nowMs);
  if (response.status >= 500) return { kind: 'transient', message: `${source}: HTTP ${response.status}` };
  return null;
}
