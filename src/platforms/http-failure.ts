// What an HTTP exchange means for a collection when it gave no readable answer. A failed exchange (no
// answer at all) means the same on every platform; what a status means is each platform's own, given to
// `classifyHttpStatus` as data (`<platform>/http-statuses.ts`).
import type { OutboundFailure, OutboundResponse } from '../http/types.ts';
import { retryAfterMs } from './retry-after.ts';
import type { CollectFailure, FailureKind } from './types.ts';

/** `url` is the platform URL that was asked for: a failed exchange names its host to whoever must act on it. */
export function outboundFailure(source: string, outbound: OutboundFailure, url?: string): CollectFailure {
  switch (outbound.kind) {
    case 'timeout':
    case 'network':
    case 'aborted': {
      const failure: CollectFailure = {
        kind: 'transient',
        message: `${source} request failed: ${outbound.kind} (${outbound.message})`,
      };
      const host = url === undefined ? undefined : hostOf(url);
      if (outbound.kind !== 'aborted' && host !== undefined)
        failure.exchange = { failed: outbound.kind, host };
      return failure;
    }
    case 'too_large':
      // A video page weighs a few hundred kilobytes and an API answer far less: megabytes mean it is not
      // the document we know how to read.
      return { kind: 'format_changed', message: `${source} answered with a body over the size cap` };
    case 'host_not_allowed':
    case 'too_many_redirects':
      // Off-site redirects and redirect loops are how platforms turn away clients they do not serve.
      return { kind: 'blocked', message: `${source} redirected us away (${outbound.kind})` };
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** Operator-facing wording of a status, e.g. `(source, 503) => "TikTok answered HTTP 503"`. */
export type StatusMessage = (source: string, status: number) => string;

export interface StatusRule {
  /** The statuses it covers: a list, or every status from `from` to `to` (inclusive). */
  statuses: readonly number[] | { from: number; to: number };
  /** What they mean; null when the status alone says nothing and the answer's body decides. */
  kind: FailureKind | null;
  /** For not_found: the status itself says the video was deleted (HTTP 410 Gone). */
  deleted?: true;
  message: StatusMessage;
}

/** What each HTTP status means on one platform: the first rule that covers it decides. */
export interface HttpStatusMeanings {
  rules: readonly StatusRule[];
  /** For a status no rule covers; null leaves it to the caller. */
  otherwise: { kind: FailureKind; message: StatusMessage } | null;
  /** X also says when its rate-limit window reopens (`x-rate-limit-reset`, unix seconds). */
  readsRateLimitReset?: true;
}

/**
 * What `response.status` means on the platform `meanings` describes: a failure, or null when the platform's
 * table leaves the answer to the body. A `rate_limited` status carries the wait the platform asked for.
 */
export function classifyHttpStatus(
  source: string,
  response: OutboundResponse,
  nowMs: number,
  meanings: HttpStatusMeanings,
): CollectFailure | null {
  const { status } = response;
  const rule = meanings.rules.find((candidate) => covers(candidate.statuses, status)) ?? meanings.otherwise;
  if (rule === null || rule.kind === null) return null;
  const failure: CollectFailure = { kind: rule.kind, message: rule.message(source, status) };
  if ('deleted' in rule && rule.deleted) failure.deleted = true;
  if (rule.kind === 'rate_limited') {
    const waitMs = rateLimitWaitMs(response.headers, nowMs, meanings.readsRateLimitReset === true);
    if (waitMs !== undefined) failure.retryAfterMs = waitMs;
  }
  return failure;
}

function covers(statuses: StatusRule['statuses'], status: number): boolean {
  return 'from' in statuses ? status >= statuses.from && status <= statuses.to : statuses.includes(status);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long the platform asked us to wait: `Retry-After` (seconds or an HTTP date), then, where the platform
 * sends it, `x-rate-limit-reset` (unix seconds when the window reopens). Undefined when neither gives a
 * future time.
 */
export function rateLimitWaitMs(
  headers: Readonly<Record<string, string>>,
  nowMs: number,
  readsRateLimitReset: boolean,
): number | undefined {
  const fromRetryAfter = retryAfterMs(headerValue(headers, 'retry-after'), nowMs);
  if (fromRetryAfter !== undefined || !readsRateLimitReset) return fromRetryAfter;
  const reset = headerValue(headers, 'x-rate-limit-reset')?.trim();
  if (!reset || !/^\d{1,12}$/.test(reset)) return undefined;
  const waitMs = Number(reset) * 1000 - nowMs;
  return waitMs > 0 ? Math.min(waitMs, DAY_MS) : undefined;
}

function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
