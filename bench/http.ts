// The HTTP benchmark (docs/benchmarks.md): requests/s of GET /api/v1/usage and POST /api/v1/videos/track
// (test key) next to a bare Fastify hello-world route, each server in its own process, load from this one
// (autocannon).
//
// This machine's speed drifts by tens of percent within a minute, so the endpoints are not measured one after
// the other once: each round loads every endpoint for a short while in turn, a ratio is taken within a round
// (the same minute's speed) and the median over the rounds is reported. Each round also starts its servers
// afresh: one process can run 10–25% faster or slower than an identical one for its whole life (where the
// kernel places it, what the JIT decides), and that draw should not decide a whole run.
import autocannon from 'autocannon';
import { startChild, stopChild } from './child.ts';

const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
const SECONDS_PER_RUN = Number(process.env.BENCH_HTTP_SECONDS ?? 2);
const CONNECTIONS = 32;

async function requestsPerSecond(options: autocannon.Options, seconds: number): Promise<number> {
  const result = await autocannon({ ...options, duration: seconds, connections: CONNECTIONS });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function benchHttp(report: (line: string) => void): Promise<void> {
  const trackBody = JSON.stringify({
    video_link: 'https://www.tiktok.com/@bench/video/7301234567890123456',
    duration_days: 7,
  });
  const server = (name: string) => new URL(`./servers/${name}.ts`, import.meta.url).pathname;
  const names = ['hello', 'floor', 'usage', 'track'] as const;
  type Endpoint = (typeof names)[number];
  const rps = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Endpoint, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    const hello = await startChild<{ port: number }>(server('hello'));
    const floor = await startChild<{ port: number }>(server('post-floor'));
    const api = await startChild<{ port: number; testKey: string }>(server('api'));
    const base = `http://127.0.0.1:${api.ready.port}`;
    const endpoints: Record<Endpoint, autocannon.Options> = {
      hello: { url: `http://127.0.0.1:${hello.ready.port}/` },
      floor: {
        url: `http://127.0.0.1:${floor.ready.port}/`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: trackBody,
      },
      usage: { url: `${base}/api/v1/usage`, headers: { 'x-api-key': api.ready.testKey } },
      track: {
        url: `${base}/api/v1/videos/track`,
        method: 'POST',
        headers: { 'x-api-key': api.ready.testKey, 'content-type': 'application/json' },
        body: trackBody,
      },
    };
    try {
      for (const name of names) await requestsPerSecond(endpoints[name], 1); // warm-up
      for (const name of names) rps[name].push(await requestsPerSecond(endpoints[name], SECONDS_PER_RUN));
    } finally {
      await Promise.all([hello, floor, api].map(({ child }) => stopChild(child)));
    }
  }

  const ratios = (name: Endpoint, to: Endpoint = 'hello') =>
    rps[name].map((value, round) => value / rps[to][round]!);
  const line = (label: string, name: Endpoint, target: string) => {
    const r = ratios(name);
    report(
      `  ${label.padEnd(34)}${median(rps[name]).toFixed(0).padStart(8)} req/s   ${median(r).toFixed(2)} × hello` +
        ` (rounds ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}${target})`,
    );
  };
  report(
    `HTTP (${CONNECTIONS} connections; ${ROUNDS} rounds of ${SECONDS_PER_RUN} s per endpoint, each server in its own process,` +
      ' started afresh each round; medians, ratios taken within a round)',
  );
  report(
    `  ${'hello-world (bare Fastify)'.padEnd(34)}${median(rps.hello).toFixed(0).padStart(8)} req/s   baseline`,
  );
  line('GET  /api/v1/usage', 'usage', '; target ≥ 0.5');
  line('POST /api/v1/videos/track (test)', 'track', '; target ≥ 0.25');
  line('reference: bare Fastify POST answering a track-sized 201', 'floor', '');
  report(
    `  track ÷ that reference: ${median(ratios('track', 'floor')).toFixed(2)} (what track costs beyond HTTP itself)`,
  );
}
