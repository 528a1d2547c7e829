// THE one place that makes outbound requests (invariant 5 in docs/architecture.md: only allow-listed
// platform hosts are ever contacted). Redirects are followed here, by hand, so every hop's host is checked
// against the allow-list before a connection is made. Never throws: every failure is a value with a kind.

import { isIP } from 'node:net';
import { err, ok } from '../result.ts';
import { isNonPublicAddress, NON_PUBLIC, NonPublicAddressError } from './address-guard.ts';
import { browserHeaders, CHROME_USER_AGENT } from './browser-headers.ts';
import { ExchangeStop } from './exchange-stop.ts';
import { hopHeaders } from './hop-headers.ts';
import { createImpitTransport } from './impit-transport.ts';
import { proxyRotation } from './proxy-rotation.ts';
import { utf8Text } from './read-capped-body.ts';
import type {
  HttpClient,
  OutboundFailureKind,
  OutboundRequest,
  OutboundResponse,
  OutboundResult,
} from './types.ts';
import { createUndiciTransport } from './undici-transport.ts';
import { resolveLocation, toWire, upstreamMap } from './upstream-rewrite.ts';

export interface HttpClientOptions {
  /** CONTENTSTATS_UPSTREAMS: real origin → replacement origin, for tests and staging only. */
  upstreams?: Record<string, string>;
  /** CONTENTSTATS_PROXY_URLS, used round-robin (one proxy per request, kept across its redirects). */
  proxyUrls?: readonly string[];
  /** Default total time per request, redirects and body included. */
  timeoutMs?: number;
  /** Plain path only: impit has no separate connect timeout, so there the total timeout covers connecting. */
  connectTimeoutMs?: number;
  /** Default body cap. */
  maxBodyBytes?: number;
  userAgent?: string;
  /** Send only `userAgent` and each request's own headers, not a browser's. */
  ownHeadersOnly?: boolean;
}

export interface ClosableHttpClient extends HttpClient {
  /** Releases pooled connections (for tests and shutdown). */
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const MAX_REDIRECTS_CAP = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const failed = (kind: OutboundFailureKind, message: string): OutboundResult => err({ kind, message });

/** Throws only on malformed `upstreams` origins (a configuration error, caught at boot); `fetch` never throws. */
export function createHttpClient(options: HttpClientOptions = {}): ClosableHttpClient {
  const upstreams = upstreamMap(options.upstreams ?? {});
  const nextProxy = proxyRotation(options.proxyUrls ?? []);
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const defaultMaxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const plainHeaders = hopHeaders(browserHeaders(options.userAgent ?? CHROME_USER_AGENT));
  // A client that is not a browser (webhook deliveries) sends its user agent and the request's headers only.
  const ownHeaders = hopHeaders(options.userAgent ? { 'user-agent': options.userAgent } : {});
  // impit brings its own Chrome headers; only an operator's explicit User-Agent overrides them.
  const impersonationHeaders = hopHeaders(options.userAgent ? { 'user-agent': options.userAgent } : {});
  const undici = createUndiciTransport({
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  });
  // Instances are made on first use, so a deployment that never impersonates never starts one.
  const impit = createImpitTransport();

  async function exchange(request: OutboundRequest, stop: ExchangeStop): Promise<OutboundResult> {
    const first = parseHttpUrl(request.url);
    if (!first) return failed('host_not_allowed', 'only absolute http(s) URLs may be fetched');
    if (!isAllowed(first, request.allowedHosts)) {
      return failed('host_not_allowed', `host ${first.host} is not allowed`);
    }

    const maxRedirects = Math.max(0, Math.min(request.maxRedirects ?? MAX_REDIRECTS_CAP, MAX_REDIRECTS_CAP));
    const maxBodyBytes = request.maxBodyBytes ?? defaultMaxBodyBytes;
    const send = request.impersonateBrowser && !request.onlyPublicAddresses ? impit : undici.send;
    const headersFor = request.impersonateBrowser
      ? impersonationHeaders
      : options.ownHeadersOnly
        ? ownHeaders
        : plainHeaders;
    const proxyUrl = nextProxy();
    const redirects: string[] = [];
    let real = first;
    let method = request.method ?? 'GET';
    let body = request.body;

    for (;;) {
      const wire = toWire(real, upstreams);
      const onlyPublic = request.onlyPublicAddresses === true && wire.upstream === null;
      if (onlyPublic) {
        const literal = real.hostname.startsWith('[') ? real.hostname.slice(1, -1) : real.hostname;
        if (isIP(literal) !== 0 && isNonPublicAddress(literal)) {
          return failed('host_not_allowed', `${literal} is not a public address`);
        }
      }
      const response = await send({
        origin: wire.origin,
        path: wire.path,
        method,
        headers: headersFor(request.headers, wire.upstream),
        body,
        maxBodyBytes,
        stop,
        proxyUrl: onlyPublic ? undefined : proxyUrl,
        onlyPublicAddresses: onlyPublic,
      });

      const location = response.headers['location'];
      if (REDIRECT_STATUSES.has(response.status) && location !== undefined && maxRedirects > 0) {
        response.discard();
        if (redirects.length >= maxRedirects) {
          return failed('too_many_redirects', `more than ${maxRedirects} redirects`);
        }
        const next = resolveLocation(location, real, wire);
        if (!next || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
          return failed('host_not_allowed', 'redirect to a non-http(s) location refused');
        }
        if (!isAllowed(next, request.allowedHosts)) {
          return failed('host_not_allowed', `redirect to host ${next.host} refused`);
        }
        // Browsers turn a POST into a GET on 303, and (historically) on 301/302.
        if (
          response.status === 303 ||
          (method === 'POST' && response.status !== 307 && response.status !== 308)
        ) {
          method = 'GET';
          body = undefined;
        }
        redirects.push(next.href);
        real = next;
        // Stopping is only ever signalled to a hop in flight.
        if (stop.cause) throw new Error(`stopped (${stop.cause})`);
        continue;
      }

      const read = await response.readBody();
      if (!read.ok) return failed('too_large', `body larger than ${maxBodyBytes} bytes`);
      return ok(answered(response.status, response.headers, read.value, real.href, redirects));
    }
  }

  return {
    async fetch(request) {
      if (request.signal?.aborted) return failed('aborted', 'aborted before it started');
      const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
      const stop = new ExchangeStop(timeoutMs, request.signal);
      try {
        return await exchange(request, stop);
      } catch (error) {
        if (request.signal?.aborted) return failed('aborted', 'aborted by the caller');
        if (stop.cause === 'timeout') return failed('timeout', `no complete answer within ${timeoutMs} ms`);
        if (isTimeoutError(error)) return failed('timeout', `timed out: ${describe(error)}`);
        if (error instanceof NonPublicAddressError || (error as { code?: unknown })?.code === NON_PUBLIC) {
          return failed('host_not_allowed', (error as Error).message);
        }
        return failed('network', describe(error));
      } finally {
        stop.dispose();
      }
    },
    close: () => undici.close(),
  };
}

/**
 * The response, its text decoded on first read and kept: a reader that finds what it needs in the bytes (YouTube's
 * megabyte watch page) never pays for decoding the rest.
 */
function answered(
  status: number,
  headers: Record<string, string>,
  bytes: Buffer,
  finalUrl: string,
  redirects: string[],
): OutboundResponse {
  let text: string | undefined;
  return {
    status,
    headers,
    get body() {
      text ??= utf8Text(bytes);
      return text;
    },
    bodyBytes: bytes,
    finalUrl,
    redirects,
  };
}

function parseHttpUrl(input: string): URL | null {
  try {
    const url = new URL(input);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * `host` includes a non-default port, so `www.tiktok.com:8443` is refused unless listed as such: a
 * platform never redirects to odd ports, an attacker-controlled Location might.
 */
function isAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  return url.username === '' && url.password === '' && allowedHosts.includes(url.host.toLowerCase());
}

function isTimeoutError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // undici's connect timeout, impit's ConnectTimeout/ReadTimeout/TimeoutError classes.
  return (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    /Timeout/.test(error.constructor.name) ||
    error.name === 'TimeoutError'
  );
}

/** First line only: native errors (impit) carry multi-line debug dumps. */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
  return (text.split('\n')[0] ?? text).slice(0, 200);
}
