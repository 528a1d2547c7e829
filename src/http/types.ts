// The contract of the one module that performs outbound requests. Platforms depend on this interface;
// src/http/client.ts implements it.
import type { Result } from '../result.ts';

export interface OutboundRequest {
  url: string;
  method?: 'GET' | 'POST';
  /**
   * On top of the client's browser-like defaults. Pass the same frozen object for headers that do not change
   * between requests: the client then merges it with its defaults once instead of on every request.
   */
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /**
   * Hosts this request and every redirect hop may reach (exact host names, lowercase). A URL or a hop
   * outside the list is refused before any connection is made.
   */
  allowedHosts: readonly string[];
  /** Follow redirects (each hop re-checked against allowedHosts) up to this many hops; 0 returns the 3xx. */
  maxRedirects?: number;
  /** Total time for the whole exchange, including redirects and reading the body. */
  timeoutMs?: number;
  /** Bodies larger than this are cut off and reported as `too_large`. */
  maxBodyBytes?: number;
  /** Use a browser-like TLS fingerprint and headers (for platforms that block plain Node clients). */
  impersonateBrowser?: boolean;
  signal?: AbortSignal;
  /**
   * The URL is not ours to choose (a webhook): connect only to public addresses, checked on the address the
   * host resolves to (src/http/address-guard.ts); no proxy. A hop rewritten by CONTENTSTATS_UPSTREAMS is trusted.
   */
  onlyPublicAddresses?: boolean;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as UTF-8 text, without a byte order mark. The client decodes it when it is first read. */
  readonly body: string;
  /**
   * The body's (decompressed) bytes, for a reader that needs only parts of a large page: finding ASCII markers
   * in the bytes and decoding what lies between them costs less than decoding a megabyte into a string. The
   * client always sets it; a response made up from text (a test's stand-in) may leave it out.
   */
  readonly bodyBytes?: Uint8Array;
  /** The URL of the last hop, in the real platform's terms (before any CONTENTSTATS_UPSTREAMS rewrite). */
  finalUrl: string;
  /** Each URL visited after the first, in the platform's terms. */
  redirects: string[];
}

export type OutboundFailureKind =
  | 'timeout'
  | 'too_large'
  | 'host_not_allowed'
  | 'too_many_redirects'
  | 'network'
  | 'aborted';

export interface OutboundFailure {
  kind: OutboundFailureKind;
  message: string;
}

export type OutboundResult = Result<OutboundResponse, OutboundFailure>;

export interface HttpClient {
  fetch(request: OutboundRequest): Promise<OutboundResult>;
}
