// One hop on the wire, without redirects, allow-lists or limits: client.ts owns those. Two implementations:
// undici (plain Node) and impit (a Chrome TLS fingerprint).
import type { EventEmitter } from 'node:events';

export interface HopRequest {
  /** The origin connected to (after any CONTENTSTATS_UPSTREAMS rewrite), e.g. `https://api.x.com`. */
  origin: string;
  /** Path and query, starting with `/`. */
  path: string;
  method: 'GET' | 'POST';
  headers: Readonly<Record<string, string>>;
  body?: string;
  /**
   * Emits 'abort' (at most once, never before the hop is sent) when the exchange must stop: the transport
   * then abandons the request or the body being read.
   */
  stop: EventEmitter;
  proxyUrl?: string;
}

export interface HopResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Decoded (decompressed) body bytes; read as far as needed, then `discard`. */
  body: AsyncIterable<Uint8Array>;
  /** Stops reading and releases the connection. Safe to call more than once. */
  discard(): void;
}

/** Throws on network errors, timeouts and aborts; the caller classifies. */
export type Transport = (hop: HopRequest) => Promise<HopResponse>;
