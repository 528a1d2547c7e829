import type { OutboundResponse, OutboundResult } from '../../http/types.ts';
import { outboundFailure } from '../outbound-failure.ts';
import { retryAfterMs as parseRetryAfterMs } from '../retry-after.ts';
import type { CollectFailure } from '../types.ts';

type OutboundFailure = Extract<OutboundResult, { ok: false }>;

/** What a failed exchange (no HTTP answer to read) with `url` means for a collection. */
export const transportFailure = (source: string, outbound: OutboundFailure, url: string): CollectFailure =>
  outboundFailure(source, outbound, url);

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
  const fromRetryAfter = parseRetryAfterMs(headerValue(headers, 'retry-after'), nowMs);
  if (fromRetryAfter !== undefined) return fromRetryAfter;
  const reset = headerValue(headers, 'x-rate-limit-reset')?.trim();
  if (!reset || !/^\d{1,12}$/.test(reset)) return undefined;
  const waitMs = Number(reset) * 1000 - nowMs;
  return waitMs > 0 ? Math.min(waitMs, DAY_MS) : undefined;
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
