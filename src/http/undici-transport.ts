// The plain path: undici with no automatic redirects (client.ts follows them itself, hop by hop).
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, type Dispatcher, ProxyAgent } from 'undici';
import type { HopResponse, Transport } from './transport.ts';

export interface UndiciTransport {
  send: Transport;
  close(): Promise<void>;
}

export function createUndiciTransport(options: { connectTimeoutMs: number }): UndiciTransport {
  const connect = { timeout: options.connectTimeoutMs };
  const direct = new Agent({ connect });
  const viaProxy = new Map<string, ProxyAgent>();
  const dispatcherFor = (proxyUrl: string | undefined): Dispatcher => {
    if (!proxyUrl) return direct;
    let agent = viaProxy.get(proxyUrl);
    if (!agent) {
      agent = new ProxyAgent({ uri: proxyUrl, proxyTls: connect, requestTls: connect });
      viaProxy.set(proxyUrl, agent);
    }
    return agent;
  };

  return {
    send: async (hop) => {
      // The dispatcher's own request takes origin and path as they are (the top-level `request` would
      // parse a URL again and copy the options).
      const response = await dispatcherFor(hop.proxyUrl).request({
        origin: hop.origin,
        path: hop.path,
        method: hop.method,
        // ProxyAgent adds a host header to the object it is given; the direct path only reads it.
        headers: hop.proxyUrl ? { ...hop.headers } : hop.headers,
        body: hop.body,
        // An EventEmitter signal: undici listens for its 'abort'.
        signal: hop.stop,
      });
      return decoded(response.statusCode, flattenHeaders(response.headers), response.body);
    },
    close: async () => {
      await Promise.all([direct.close(), ...[...viaProxy.values()].map((agent) => agent.close())]);
    },
  };
}

/** undici hands over the body as sent; browsers (whose headers we send) accept gzip, deflate and br. */
function decoded(status: number, headers: Record<string, string>, raw: Readable): HopResponse {
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : null;
  // Destroying an unfinished undici body emits an abort error; nobody is listening any more by then.
  const release = (stream: Readable) => stream.on('error', ignore).destroy();
  if (!decoder) {
    return { status, headers, body: raw, discard: () => release(raw) };
  }
  raw.on('error', (error) => decoder.destroy(error));
  raw.pipe(decoder);
  return {
    status,
    headers,
    body: decoder,
    discard: () => {
      release(raw);
      release(decoder);
    },
  };
}

function ignore(): void {}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
