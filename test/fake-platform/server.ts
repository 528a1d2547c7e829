// A local stand-in for the real platforms, for tests. One node:http server on 127.0.0.1 (random port)
// answers for any number of real origins: the outbound client rewrites e.g. https://www.tiktok.com to
// this server's origin (CONTENTSTATS_UPSTREAMS) and names the real origin in `X-Contentstats-Upstream`,
// so a handler sees `request.url` in the real platform's terms and can switch on it.
//
//   const fake = await startFakePlatform((req) =>
//     req.url.pathname === '/@_/video/1' ? fakeReply.html(page) : fakeReply.notFound());
//   const http = createHttpClient({ upstreams: fake.upstreams(['https://www.tiktok.com']) });
//   …
//   await fake.close();
//
// Redirects should name real platform URLs in Location (the client rewrites every hop itself).

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const UPSTREAM_HEADER = 'x-contentstats-upstream';

export interface FakeRequest {
  method: string;
  /** The real origin the client meant (from `X-Contentstats-Upstream`), or null when called directly. */
  upstream: string | null;
  /** Path and query as received. */
  path: string;
  /** The request in real-platform terms: `upstream + path` (or this server's origin + path). */
  url: URL;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export interface FakeReply {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Wait this long before sending anything (a slow platform). */
  delayMs?: number;
  /** Send the headers and the first chunk of the body, then wait this long before the rest. */
  bodyDelayMs?: number;
  /** Announce the full Content-Length but send only this many bytes, then drop the connection. */
  truncateAfterBytes?: number;
  /** Instead of `body`, stream this many filler bytes (never held in memory at once). */
  streamBytes?: number;
  /** Send no Content-Length (chunked), so the client only learns the size by reading. */
  omitContentLength?: boolean;
}

export type FakeHandler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakePlatform {
  /** e.g. `http://127.0.0.1:40123` */
  origin: string;
  /** A CONTENTSTATS_UPSTREAMS map sending each of these real origins to this server. */
  upstreams(origins: readonly string[]): Record<string, string>;
  /** Every request received, in order (recorded before the handler runs). */
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** Ready-made replies for the shapes platform tests need. */
export const fakeReply = {
  html: (body: string, status = 200): FakeReply => ({
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body,
  }),
  json: (value: unknown, status = 200): FakeReply => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  }),
  /** `location` should be a real platform URL (absolute or relative). */
  redirect: (location: string, status = 302): FakeReply => ({ status, headers: { location }, body: '' }),
  notFound: (body = 'Not Found'): FakeReply => ({
    status: 404,
    headers: { 'content-type': 'text/plain' },
    body,
  }),
  tooManyRequests: (retryAfterSeconds?: number): FakeReply => ({
    status: 429,
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    body: 'Too Many Requests',
  }),
  serverError: (status = 503): FakeReply => ({
    status,
    headers: { 'content-type': 'text/plain' },
    body: 'unavailable',
  }),
  /** Headers only after `delayMs` — for timeout tests. */
  slow: (delayMs: number, reply: FakeReply = { body: '' }): FakeReply => ({ ...reply, delayMs }),
  /** The body announced in full but cut after `afterBytes` (a dropped connection mid-body). */
  truncated: (body: string, afterBytes: number): FakeReply => ({
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body,
    truncateAfterBytes: afterBytes,
  }),
  /** Bytes that are neither HTML nor JSON, declared as HTML. */
  garbage: (bytes = 4096): FakeReply => ({
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 7919 + 13) % 256)),
  }),
  /** `bytes` filler bytes, streamed; chunked unless `declareLength` (then Content-Length announces it). */
  huge: (bytes: number, declareLength = false): FakeReply => ({
    headers: { 'content-type': 'text/html; charset=utf-8' },
    streamBytes: bytes,
    omitContentLength: !declareLength,
  }),
};

export async function startFakePlatform(handler: FakeHandler): Promise<FakePlatform> {
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  let origin = '';
  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake platform handler failed: ${String(error)}`);
      } else {
        res.destroy();
      }
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = headerValue(req.headers[UPSTREAM_HEADER]);
    const path = req.url ?? '/';
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      upstream,
      path,
      url: new URL(path, upstream ?? origin),
      headers: flattenHeaders(req.headers),
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(request);
    const reply = await handler(request);
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    await send(res, reply, sleep);
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    requests,
    upstreams: (origins) => Object.fromEntries(origins.map((real) => [real, origin])),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function send(
  res: ServerResponse,
  reply: FakeReply,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const status = reply.status ?? 200;
  const length = (bytes: number) => (reply.omitContentLength ? {} : { 'content-length': String(bytes) });
  if (reply.streamBytes !== undefined) {
    res.writeHead(status, { ...reply.headers, ...length(reply.streamBytes) });
    await streamFiller(res, reply.streamBytes);
    return;
  }
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : (reply.body ?? Buffer.alloc(0));
  res.writeHead(status, { ...reply.headers, ...length(body.length) });
  const cut = reply.truncateAfterBytes;
  const sent = cut === undefined ? body : body.subarray(0, Math.min(cut, body.length));
  if (reply.bodyDelayMs) {
    const head = sent.subarray(0, Math.min(1024, sent.length));
    res.write(head);
    await sleep(reply.bodyDelayMs);
    if (res.destroyed) return;
    res.write(sent.subarray(head.length));
  } else {
    res.write(sent);
  }
  // A truncated reply drops the connection instead of ending the message, as a failing upstream would.
  if (cut !== undefined && cut < body.length) res.destroy();
  else res.end();
}

async function streamFiller(res: ServerResponse, totalBytes: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let remaining = totalBytes;
  while (remaining > 0 && !res.destroyed) {
    const piece = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
    remaining -= piece.length;
    // Respect back-pressure; a client that stops reading simply closes the socket.
    if (!res.write(piece)) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end();
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
