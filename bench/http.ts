// Issue 2's benchmark: requests/s of GET /api/v1/usage and POST /api/v1/videos/track (test key) next to a bare
// Fastify hello-world route, each server in its own process, load from this one (autocannon).
import autocannon from 'autocannon';
import { startChild, stopChild } from './child.ts';

const DURATION_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const CONNECTIONS = 32;

async function load(options: autocannon.Options): Promise<number> {
  // Warm-up, then the measured run.
  await autocannon({ ...options, duration: 1, connections: CONNECTIONS });
  const result = await autocannon({ ...options, duration: DURATION_SECONDS, connections: CONNECTIONS });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

export async function benchHttp(report: (line: string) => void): Promise<void> {
  const hello = await startChild<{ port: number }>(new URL('./servers/hello.ts', import.meta.url).pathname);
  const helloRps = await load({ url: `http://127.0.0.1:${hello.ready.port}/` });
  await stopChild(hello.child);

  const trackBody = JSON.stringify({
    video_link: 'https://www.tiktok.com/@bench/video/7301234567890123456',
    duration_days: 7,
  });
  const floor = await startChild<{ port: number }>(
    new URL('./servers/post-floor.ts', import.meta.url).pathname,
  );
  const floorRps = await load({
    url: `http://127.0.0.1:${floor.ready.port}/`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: trackBody,
  });
  await stopChild(floor.child);

  const api = await startChild<{ port: number; testKey: string }>(
    new URL('./servers/api.ts', import.meta.url).pathname,
  );
  const base = `http://127.0.0.1:${api.ready.port}`;
  const usageRps = await load({ url: `${base}/api/v1/usage`, headers: { 'x-api-key': api.ready.testKey } });
  const trackRps = await load({
    url: `${base}/api/v1/videos/track`,
    method: 'POST',
    headers: { 'x-api-key': api.ready.testKey, 'content-type': 'application/json' },
    body: trackBody,
  });
  await stopChild(api.child);

  report(`HTTP (${CONNECTIONS} connections, ${DURATION_SECONDS} s each, server in its own process)`);
  report(`  hello-world (bare Fastify)        ${helloRps.toFixed(0).padStart(8)} req/s   baseline`);
  report(
    `  GET  /api/v1/usage                ${usageRps.toFixed(0).padStart(8)} req/s   ${(usageRps / helloRps).toFixed(2)} × hello (target ≥ 0.5)`,
  );
  report(
    `  POST /api/v1/videos/track (test)  ${trackRps.toFixed(0).padStart(8)} req/s   ${(trackRps / helloRps).toFixed(2)} × hello (target ≥ 0.25)`,
  );
  report(
    `  reference: bare Fastify POST answering a track-sized 201   ${floorRps.toFixed(0).padStart(8)} req/s   ${(floorRps / helloRps).toFixed(2)} × hello (HTTP alone; track is ${(trackRps / floorRps).toFixed(2)} of it)`,
  );
}
