import type { HttpClient } from '../../http/types.ts';
import { err, ok, type Result } from '../../result.ts';
import { classifyHttpStatus, outboundFailure } from '../http-failure.ts';
import { asString, at, parseJson } from '../json-read.ts';
import type { CollectFailure } from '../types.ts';
import { TWITTER_HOSTS } from './hosts.ts';
import { X_HTTP_STATUSES } from './http-statuses.ts';

// Logged-out readers of x.com authenticate with the bearer token the web app ships in its JavaScript (the
// same for everyone, not a secret) plus a "guest token" handed out by POST /1.1/guest/activate.json.
export const X_WEB_APP_BEARER =
  'Bearer AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA';

export const GUEST_ACTIVATE_URL = 'https://api.x.com/1.1/guest/activate.json';

// Guest tokens stop being accepted after a few hours (X answers 403 then); renew well before that.
export const GUEST_TOKEN_MAX_AGE_MS = 2 * 60 * 60 * 1000;

/**
 * What the web app's own API calls look like; the HTTP client's defaults describe a page navigation.
 */
export const WEB_APP_XHR_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  accept: '*/*',
  origin: 'https://x.com',
  referer: 'https://x.com/',
  'sec-fetch-dest': 'empty',
  'sec-fetch-mode': 'cors',
  'sec-fetch-site': 'same-site',
  'x-twitter-active-user': 'yes',
  'x-twitter-client-language': 'en',
});

// Frozen, so the HTTP client merges them with its defaults once.
const ACTIVATE_HEADERS = Object.freeze({
  ...WEB_APP_XHR_HEADERS,
  authorization: X_WEB_APP_BEARER,
  'content-type': 'application/x-www-form-urlencoded',
});

const SOURCE = 'x-guest-activate';
const GUEST_TOKEN = /^\d{1,30}$/;

export type GuestTokenResult = Result<string, CollectFailure>;

export function parseGuestActivateResponse(body: string): GuestTokenResult {
  const parsed = parseJson(body);
  if (parsed === undefined) return err({ kind: 'format_changed', message: `${SOURCE}: not JSON` });
  const token = asString(at(parsed, 'guest_token'));
  if (token === undefined || !GUEST_TOKEN.test(token)) {
    return err({ kind: 'format_changed', message: `${SOURCE}: no guest_token in the answer` });
  }
  return ok(token);
}

export interface GuestTokenCache {
  /** The cached token, or a new one; concurrent callers share one activation request. */
  get(signal?: AbortSignal): Promise<GuestTokenResult>;
  /** Forgets `token` (X refused it); a newer token fetched meanwhile is kept. */
  invalidate(token: string): void;
}

export interface GuestTokenCacheOptions {
  http: HttpClient;
  now: () => number;
  timeoutMs: number;
  maxAgeMs?: number;
}

export function createGuestTokenCache(options: GuestTokenCacheOptions): GuestTokenCache {
  const maxAgeMs = options.maxAgeMs ?? GUEST_TOKEN_MAX_AGE_MS;
  // The answer for the cached token is kept as a settled promise: handed out as is on every request.
  let cached: { token: string; fetchedAtMs: number; answer: Promise<GuestTokenResult> } | undefined;
  let pending: Promise<GuestTokenResult> | undefined;

  async function activate(signal?: AbortSignal): Promise<GuestTokenResult> {
    const outbound = await options.http.fetch({
      url: GUEST_ACTIVATE_URL,
      method: 'POST',
      headers: ACTIVATE_HEADERS,
      body: '',
      allowedHosts: TWITTER_HOSTS,
      maxRedirects: 0,
      timeoutMs: options.timeoutMs,
      maxBodyBytes: 64 * 1024,
      ...(signal ? { signal } : {}),
    });
    if (!outbound.ok) return err(outboundFailure(SOURCE, outbound.error, GUEST_ACTIVATE_URL));
    const response = outbound.value;
    const common = classifyHttpStatus(SOURCE, response, options.now(), X_HTTP_STATUSES);
    if (common) return err(common);
    if (response.status !== 200) {
      // X refuses guest activation from addresses it distrusts (403) — nothing to read without it.
      return err({ kind: 'blocked', message: `${SOURCE}: HTTP ${response.status}` });
    }
    const result = parseGuestActivateResponse(response.body);
    if (result.ok) {
      cached = { token: result.value, fetchedAtMs: options.now(), answer: Promise.resolve(result) };
    }
    return result;
  }

  return {
    get(signal) {
      if (cached && options.now() - cached.fetchedAtMs < maxAgeMs) return cached.answer;
      pending ??= activate(signal).finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
