// A real HTTP server standing in for a customer's webhook receiver. Each path behaves as the test needs:
// answer a status, fail a few times first, hang, trickle its answer byte by byte, redirect, or send 10 MB.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Receiver {
  origin: string;
  port: number;
  received: ReceivedDelivery[];
  /** Received on one path. */
  on(path: string): ReceivedDelivery[];
  /** How the next requests to `path` are answered, in order; the last behaviour repeats. */
  script(path: string, ...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

export type Behaviour =
  | { status: number; body?: string }
  | { hang: true }
  | { trickle: true }
  | { redirect: string }
  | { bytes: number };

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedDelivery[] = [];
  const scripts = new Map<string, Behaviour[]>();
  const hanging = new Set<ServerResponse>();
  const behave = (response: ServerResponse, behaviour: Behaviour) => {
    if ('hang' in behaviour) {
      hanging.add(response);
      return;
    }
    if ('trickle' in behaviour) {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('.'), 50);
      hanging.add(response);
      response.on('close', () => clearInterval(timer));
      return;
    }
    if ('redirect' in behaviour) {
      response.writeHead(302, { location: behaviour.redirect }).end();
      return;
    }
    if ('bytes' in behaviour) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < behaviour.bytes) {
          sent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('error', () => undefined);
      pump();
      return;
    }
    response
      .writeHead(behaviour.status, { 'content-type': 'application/json' })
      .end(behaviour.body ?? '{"ok":true}');
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string') headers[name] = value;
      }
      received.push({ path, headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const script = scripts.get(path) ?? [{ status: 200 }];
      const behaviour = script.length > 1 ? script.shift()! : script[0]!;
      behave(response, behaviour);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    received,
    on: (path) => received.filter((r) => r.path === path),
    script: (path, ...behaviours) => scripts.set(path, behaviours),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
