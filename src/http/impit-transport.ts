// The impersonation path: impit speaks TLS and HTTP/2 with Chrome's fingerprint, which platforms that
// block plain Node clients (TikTok among them) let through. It sends its own Chrome header set, matching
// that fingerprint, so client.ts does not add browser headers on this path. Plain http works too (the
// test stand-ins on 127.0.0.1 are reached this way).
import { Impit } from 'impit';
import { readCappedIterable } from './read-capped-body.ts';
import type { HopResponse, Transport } from './transport.ts';

/** Kept in step with CHROME_USER_AGENT in browser-headers.ts. */
const BROWSER = 'chrome151';
/** client.ts's deadline governs every exchange; this only keeps impit's own default from cutting in first. */
const BACKSTOP_TIMEOUT_MS = 10 * 60_000;

export function createImpitTransport(): Transport {
  // One instance per proxy: impit binds the proxy to the instance. No cookie jar, so no state leaks
  // between videos or accounts.
  const instances = new Map<string, Impit>();
  const instanceFor = (proxyUrl: string | undefined): Impit => {
    const key = proxyUrl ?? '';
    let impit = instances.get(key);
    if (!impit) {
      impit = new Impit({
        browser: BROWSER,
        followRedirects: false,
        timeout: BACKSTOP_TIMEOUT_MS,
        ...(proxyUrl ? { proxyUrl } : {}),
      });
      instances.set(key, impit);
    }
    return impit;
  };

  return async (hop) => {
    // impit takes an AbortSignal; it aborts the request and the body being read.
    const controller = new AbortController();
    hop.stop.watch({ stop: (reason) => controller.abort(reason) });
    const response = await instanceFor(hop.proxyUrl).fetch(hop.origin + hop.path, {
      method: hop.method,
      headers: hop.headers,
      ...(hop.body === undefined ? {} : { body: hop.body }),
      signal: controller.signal,
      redirect: 'manual',
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return streamed(response.status, headers, response.body, hop.maxBodyBytes);
  };
}

function streamed(
  status: number,
  headers: Record<string, string>,
  body: ReadableStream<Uint8Array>,
  maxBodyBytes: number,
): HopResponse {
  const reader = body.getReader();
  let discarded = false;
  const discard = () => {
    if (discarded) return;
    discarded = true;
    reader.cancel().catch(() => {});
  };
  const chunks: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    },
  };
  return {
    status,
    headers,
    discard,
    readBody: () => readCappedIterable(chunks, headers, maxBodyBytes, discard),
  };
}
