// One hop on the wire, without redirects or allow-lists: client.ts owns those. Two implementations:
// undici (plain Node) and impit (a Chrome TLS fingerprint).
import type { Result } from '../result.ts';

export interface HopRequest {
  /** The origin connected to (after any CONTENTSTATS_UPSTREAMS rewrite), e.g. `https://api.x.com`. */
  origin: string;
  /** Path and query, starting with `/`. */
  path: string;
  method: 'GET' | 'POST';
  headers: Readonly<Record<string, string>>;
  body?: string;
  /** The most decoded body bytes to hold in memory; past this the body is given up as too large. */
  maxBodyBytes: number;
  /** The transport registers the hop here as it sends it, to be stopped if the exchange must end. */
  stop: HopStop;
  proxyUrl?: string;
  /** Connect only to public addresses (address-guard.ts), never through a proxy. */
  onlyPublicAddresses?: boolean;
}

export interface HopStop {
  /** The hop now in flight (it replaces the one before). Never called once the exchange has stopped. */
  watch(hop: StoppableHop): void;
}

export interface StoppableHop {
  /** Abandons the request, or the body being read: what is pending rejects with `reason`. */
  stop(reason: Error): void;
}

/** The body's bytes, or word that it passed the cap after `bytesSeen` bytes. */
export type CappedBody = Result<Buffer, { kind: 'too_large'; bytesSeen: number }>;

export interface HopResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /**
   * The decoded (decompressed) body's bytes, or word that it passed `maxBodyBytes` (then nothing more
   * is read). Rejects on network errors and when stopped. Call it once, or `discard` instead.
   */
  readBody(): Promise<CappedBody>;
  /** Stops reading and releases the connection. Safe to call more than once. */
  discard(): void;
}

/** Throws on network errors, timeouts and aborts; the caller classifies. */
export type Transport = (hop: HopRequest) => Promise<HopResponse>;
