// The plain path: undici with no automatic redirects (client.ts follows them itself, hop by hop). Each hop is
// one undici dispatch with a handler of our own that keeps the body as it arrives, up to the cap. undici's
// `request` API wraps the same dispatch in a promise, an async resource, a Readable for the body and an
// abort-signal listener; on an 11 KB answer over loopback those added half again to the CPU of the exchange.
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, type Dispatcher, ProxyAgent } from 'undici';
import { err, ok } from '../result.ts';
import { publicOnlyLookup } from './address-guard.ts';
import { declaredOverCap, joinedBytes } from './read-capped-body.ts';
import type { CappedBody, HopRequest, HopResponse, StoppableHop, Transport } from './transport.ts';

export interface UndiciTransport {
  send: Transport;
  close(): Promise<void>;
}

export function createUndiciTransport(options: { connectTimeoutMs: number }): UndiciTransport {
  const connect = { timeout: options.connectTimeoutMs };
  const direct = new Agent({ connect });
  // Made on first use: only webhook deliveries ask for it.
  let publicOnly: Agent | undefined;
  const viaProxy = new Map<string, ProxyAgent>();
  const dispatcherFor = (proxyUrl: string | undefined, onlyPublic: boolean | undefined): Dispatcher => {
    if (onlyPublic) {
      publicOnly ??= new Agent({ connect: { ...connect, lookup: publicOnlyLookup } });
      return publicOnly;
    }
    if (!proxyUrl) return direct;
    let agent = viaProxy.get(proxyUrl);
    if (!agent) {
      agent = new ProxyAgent({ uri: proxyUrl, proxyTls: connect, requestTls: connect });
      viaProxy.set(proxyUrl, agent);
    }
    return agent;
  };

  return {
    send: (hop) => {
      const exchange = new UndiciHop(hop);
      try {
        dispatcherFor(hop.proxyUrl, hop.onlyPublicAddresses).dispatch(
          {
            origin: hop.origin,
            path: hop.path,
            method: hop.method,
            // ProxyAgent adds a host header to the object it is given; the direct path only reads it.
            headers: hop.proxyUrl ? { ...hop.headers } : hop.headers,
            body: hop.body ?? null,
          },
          exchange,
        );
      } catch (error) {
        // ProxyAgent refuses some requests by throwing (the Agent reports through the handler).
        exchange.onResponseError(null, error instanceof Error ? error : new Error(String(error)));
      }
      return exchange.response;
    },
    close: async () => {
      await Promise.all([
        direct.close(),
        publicOnly?.close(),
        ...[...viaProxy.values()].map((agent) => agent.close()),
      ]);
    },
  };
}

/** The body is complete; its text is decoded when asked for (a discarded redirect body never is). */
const COMPLETE = 'complete';

/**
 * One hop: undici's handler and, once the status line and headers are in, the hop's response. Until the
 * body is read or discarded, what arrives is kept (up to the cap).
 */
class UndiciHop implements Dispatcher.DispatchHandler, HopResponse, StoppableHop {
  status = 0;
  headers: Record<string, string> = {};
  readonly response: Promise<HopResponse>;
  #respond!: (response: HopResponse) => void;
  #fail!: (error: Error) => void;
  #responded = false;

  readonly #maxBodyBytes: number;
  #controller: Dispatcher.DispatchController | null = null;
  /** Why the request was given up, before undici had started it (it is aborted as soon as it starts). */
  #abandonedBeforeStart: Error | null = null;
  /** undici is done with the request: it completed or failed. */
  #finished = false;

  #decoder: Transform | null = null;
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #body: typeof COMPLETE | CappedBody | Error | null = null;
  #reader: { resolve: (body: CappedBody) => void; reject: (error: Error) => void } | null = null;

  constructor(hop: HopRequest) {
    this.#maxBodyBytes = hop.maxBodyBytes;
    this.response = new Promise<HopResponse>((resolve, reject) => {
      this.#respond = resolve;
      this.#fail = reject;
    });
    hop.stop.watch(this);
  }

  // --- undici's side -----------------------------------------------------------------------------------------

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abandonedBeforeStart) controller.abort(this.#abandonedBeforeStart);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx: informational, the answer follows.
    if (statusCode < 200 || this.#responded) return;
    this.#controller = controller;
    this.status = statusCode;
    this.headers = flattenHeaders(headers);
    this.#decoder = decoderFor(this.headers['content-encoding']);
    if (this.#decoder) this.#decode(this.#decoder, controller);
    this.#responded = true;
    this.#respond(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.#decoder) this.#take(chunk);
    // Browsers (whose headers we send) accept gzip, deflate and br; undici hands the body over as sent.
    else if (!this.#decoder.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.#finished = true;
    if (this.#decoder) this.#decoder.end();
    else this.#settle(COMPLETE);
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.#finished = true;
    if (!this.#responded) {
      this.#responded = true;
      this.#fail(error);
      return;
    }
    this.#decoder?.destroy();
    this.#settle(error);
  }

  // --- the client's side ------------------------------------------------------------------------------------

  readBody(): Promise<CappedBody> {
    const declared = declaredOverCap(this.headers, this.#maxBodyBytes);
    if (declared !== null) {
      this.discard();
      return Promise.resolve(err({ kind: 'too_large', bytesSeen: declared }));
    }
    const body = this.#body;
    if (body === COMPLETE) return Promise.resolve(ok(joinedBytes(this.#chunks)));
    if (body instanceof Error) return Promise.reject(body);
    if (body) return Promise.resolve(body);
    return new Promise((resolve, reject) => {
      this.#reader = { resolve, reject };
    });
  }

  discard(): void {
    this.#chunks = [];
    this.#settle(err({ kind: 'too_large', bytesSeen: this.#bytes }));
    this.#giveUp(new Error('the body was discarded'));
  }

  stop(reason: Error): void {
    if (!this.#responded) {
      this.#responded = true;
      this.#fail(reason);
    }
    this.#settle(reason);
    this.#giveUp(reason);
  }

  // --- inside ----------------------------------------------------------------------------------------------

  /** Stops the request and the decoder, unless undici is done with it (the connection is then reused). */
  #giveUp(reason: Error): void {
    this.#decoder?.destroy();
    if (this.#finished) return;
    if (this.#controller) this.#controller.abort(reason);
    else this.#abandonedBeforeStart = reason;
  }

  /** Keeps decoded body bytes, up to the cap. */
  #take(chunk: Uint8Array): void {
    if (this.#body) return;
    this.#bytes += chunk.byteLength;
    if (this.#bytes > this.#maxBodyBytes) {
      this.#chunks = [];
      this.#settle(err({ kind: 'too_large', bytesSeen: this.#bytes }));
      this.#giveUp(new Error('the body passed the cap'));
      return;
    }
    this.#chunks.push(chunk);
  }

  #decode(decoder: Transform, controller: Dispatcher.DispatchController): void {
    decoder.on('data', (chunk: Buffer) => this.#take(chunk));
    decoder.on('end', () => this.#settle(COMPLETE));
    decoder.on('drain', () => controller.resume());
    decoder.on('error', (error: Error) => {
      this.#settle(error);
      this.#giveUp(error);
    });
  }

  /** The body's fate, once: complete, over the cap or discarded, or failed. */
  #settle(body: typeof COMPLETE | CappedBody | Error): void {
    if (this.#body) return;
    this.#body = body;
    const reader = this.#reader;
    if (!reader) return;
    this.#reader = null;
    if (body === COMPLETE) reader.resolve(ok(joinedBytes(this.#chunks)));
    else if (body instanceof Error) reader.reject(body);
    else reader.resolve(body);
  }
}

function decoderFor(contentEncoding: string | undefined): Transform | null {
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  return null;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
