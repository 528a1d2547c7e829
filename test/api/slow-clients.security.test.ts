// A client that sends its request slowly holds a connection (and a socket's memory) for as long as it likes
// unless the server cuts it off: over real sockets, a trickling client is closed at the configured timeout.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.ts';

const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;

/**
 * Resolves when the server closes the socket: how long it stayed open and what the server wrote. After 3 s the
 * test closes it itself (the test has failed by then).
 */
function closed(socket: Socket): Promise<{ openMs: number; received: string }> {
  const opened = performance.now();
  setTimeout(() => socket.destroy(), 3_000).unref();
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.on('error', () => undefined);
  return new Promise((resolve) =>
    socket.on('close', () => resolve({ openMs: performance.now() - opened, received })),
  );
}

/** Writes `piece` every 50 ms until the socket closes. */
function trickle(socket: Socket, piece: string): void {
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(piece);
  }, 50);
  socket.on('close', () => clearInterval(timer));
}

describe('slow clients are cut off', () => {
  let api: TestApi;
  let port: number;
  beforeAll(async () => {
    api = await createTestApi('sqlite', {
      config: {
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: 1_000,
      },
    });
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const address = api.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => api.close());

  const timedOutCount = async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Number(/^contentstats_http_connections_timed_out_total (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
  };

  it('a client trickling its headers is answered 408 and closed at the headers timeout, and counted', async () => {
    const before = await timedOutCount();
    const socket = connect(port, '127.0.0.1');
    const result = closed(socket);
    socket.write('GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    trickle(socket, 'X-Slow: 1\r\n');
    const { openMs, received } = await result;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(openMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 20);
    expect(openMs).toBeLessThan(HEADERS_TIMEOUT_MS + 1_000);
    expect(await timedOutCount()).toBe(before + 1);
  });

  it('a client trickling its body is closed at the request timeout, and counted', async () => {
    const before = await timedOutCount();
    const socket = connect(port, '127.0.0.1');
    const result = closed(socket);
    socket.write(
      'POST /api/v1/videos/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    trickle(socket, ' ');
    const { openMs } = await result;
    expect(openMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 20);
    expect(openMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000);
    expect(await timedOutCount()).toBe(before + 1);
  });

  it('a client that connects and says nothing is closed at the headers timeout', async () => {
    const socket = connect(port, '127.0.0.1');
    const { openMs } = await closed(socket);
    expect(openMs).toBeLessThan(HEADERS_TIMEOUT_MS + 1_000);
  });

  it('a normal request is answered as before', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/livez`);
    expect(response.status).toBe(200);
  });
});
