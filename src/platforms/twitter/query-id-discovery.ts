// X's web app names each GraphQL operation's current id in its JavaScript bundle: x.com's page loads
// `https://abs.twimg.com/responsive-web/client-web/main.<hash>.js`, which holds one object per operation,
// `{queryId:"…",operationName:"TweetResultByRestId",operationType:"query",metadata:{…}}`. X changes the id
// when it redeploys the web app, and an old id then answers 404. Reading the bundle (as twscrape does) lets
// the collector follow a rotation without a release: at first use, and again after a run of format_changed
// answers, at most once per `minIntervalMs`. Until a discovery succeeds the configured id is used, else the
// built-in one. Both requests go through the one HTTP client, inside X's allow-listed hosts.

import type { HttpClient } from '../../http/types.ts';
import { err, ok, type Result } from '../../result.ts';
import { classifyHttpStatus, outboundFailure } from '../http-failure.ts';
import type { CollectFailure } from '../types.ts';
import { TWITTER_HOSTS } from './hosts.ts';
import { X_HTTP_STATUSES } from './http-statuses.ts';

export const WEB_APP_URL = 'https://x.com/';
const SOURCE = 'x-web-bundle';
const PAGE_MAX_BYTES = 4 * 1024 * 1024;
// The main bundle weighs a few megabytes.
const BUNDLE_MAX_BYTES = 16 * 1024 * 1024;
export const DEFAULT_DISCOVERY_INTERVAL_MS = 10 * 60_000;

// `main.<hex hash>.js` (sometimes with a letter after the hash) under client-web or client-web-legacy.
const BUNDLE_URL =
  /https:\/\/abs\.twimg\.com\/responsive-web\/client-web(?:-legacy)?\/main\.[0-9a-f]{6,40}[a-z]?\.js/;

/** The address of the main bundle that x.com's page loads, or undefined when the page names none. */
export function findMainBundleUrl(page: string): string | undefined {
  return BUNDLE_URL.exec(page)?.[0];
}

/**
 * The id the bundle gives `operationName`, or undefined. The keys may be quoted or not; the id is the
 * `queryId` of the same object literal, before or after the name.
 */
export function findQueryId(bundle: string, operationName: string): string | undefined {
  const name = operationName.replace(/[^A-Za-z0-9_]/g, '');
  const key = (k: string) => `["']?${k}["']?\\s*:\\s*`;
  const id = `["']([A-Za-z0-9_-]{8,64})["']`;
  const before = new RegExp(`${key('queryId')}${id}\\s*,\\s*${key('operationName')}["']${name}["']`);
  const after = new RegExp(`${key('operationName')}["']${name}["']\\s*,\\s*${key('queryId')}${id}`);
  return before.exec(bundle)?.[1] ?? after.exec(bundle)?.[1];
}

export type QueryIdOrigin = 'discovered' | 'configured' | 'built-in';

export interface QueryIdState {
  queryId: string;
  origin: QueryIdOrigin;
  /** When the discovered id was read (absent unless discovered). */
  discoveredAtMs?: number;
  /** Why the last discovery found nothing (absent after a success). */
  lastProblem?: string;
}

export interface QueryIdDiscovery {
  /** The id to use now. */
  current(): QueryIdState;
  /**
   * Reads the bundle again unless that was tried less than the minimum interval ago (concurrent callers
   * share one attempt); resolves with the id to use afterwards.
   */
  refresh(signal?: AbortSignal): Promise<QueryIdState>;
  /** Whether a first discovery is still to be made (the collector makes it before its first query). */
  readonly untried: boolean;
}

export interface QueryIdDiscoveryOptions {
  http: HttpClient;
  now: () => number;
  timeoutMs: number;
  operationName: string;
  builtIn: string;
  configured?: string | undefined;
  /** False: never read the bundle; the configured (or built-in) id is used as it is. */
  enabled: boolean;
  minIntervalMs?: number;
}

export function createQueryIdDiscovery(options: QueryIdDiscoveryOptions): QueryIdDiscovery {
  const minIntervalMs = options.minIntervalMs ?? DEFAULT_DISCOVERY_INTERVAL_MS;
  const fallback: QueryIdState = options.configured
    ? { queryId: options.configured, origin: 'configured' }
    : { queryId: options.builtIn, origin: 'built-in' };
  let state: QueryIdState = fallback;
  let lastAttemptMs: number | undefined;
  let pending: Promise<QueryIdState> | undefined;

  async function discover(signal?: AbortSignal): Promise<QueryIdState> {
    lastAttemptMs = options.now();
    const found = await readQueryId(options, signal);
    if (found.ok) {
      state = { queryId: found.value, origin: 'discovered', discoveredAtMs: options.now() };
    } else {
      // A failed discovery keeps an id discovered earlier: it is still the freshest one known.
      state = { ...state, lastProblem: found.error.message };
    }
    return state;
  }

  return {
    current: () => state,
    get untried() {
      return options.enabled && lastAttemptMs === undefined;
    },
    refresh(signal) {
      if (!options.enabled) return Promise.resolve(state);
      if (pending) return pending;
      if (lastAttemptMs !== undefined && options.now() - lastAttemptMs < minIntervalMs) {
        return Promise.resolve(state);
      }
      pending = discover(signal).finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}

type Found = Result<string, CollectFailure>;

async function readQueryId(options: QueryIdDiscoveryOptions, signal?: AbortSignal): Promise<Found> {
  const page = await fetchText(options, WEB_APP_URL, PAGE_MAX_BYTES, signal);
  if (!page.ok) return page;
  const bundleUrl = findMainBundleUrl(page.value);
  if (!bundleUrl) return err({ kind: 'format_changed', message: `${SOURCE}: x.com names no main bundle` });
  const bundle = await fetchText(options, bundleUrl, BUNDLE_MAX_BYTES, signal);
  if (!bundle.ok) return bundle;
  const queryId = findQueryId(bundle.value, options.operationName);
  if (!queryId) {
    return err({
      kind: 'format_changed',
      message: `${SOURCE}: the bundle names no ${options.operationName}`,
    });
  }
  return ok(queryId);
}

async function fetchText(
  options: QueryIdDiscoveryOptions,
  url: string,
  maxBodyBytes: number,
  signal?: AbortSignal,
): Promise<Found> {
  const outbound = await options.http.fetch({
    url,
    allowedHosts: TWITTER_HOSTS,
    maxRedirects: 3,
    timeoutMs: options.timeoutMs,
    maxBodyBytes,
    ...(signal ? { signal } : {}),
  });
  if (!outbound.ok) return err(outboundFailure(SOURCE, outbound.error, url));
  const common = classifyHttpStatus(SOURCE, outbound.value, options.now(), X_HTTP_STATUSES);
  if (common) return err(common);
  if (outbound.value.status !== 200) {
    return err({ kind: 'format_changed', message: `${SOURCE}: HTTP ${outbound.value.status} for ${url}` });
  }
  return ok(outbound.value.body);
}
