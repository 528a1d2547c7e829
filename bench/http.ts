// The HTTP benchmark (docs/benchmarks.md): requests/s of GET /api/v1/usage and POST /api/v1/videos/track
// (test key) next to a bare Fastify hello-world route, each server in its own process, load from this one
// (autocannon).
//
// This machine's speed drifts by tens of percent within a minute, so the endpoints are not measured one after
// the other once: each round loads every endpoint for a short while in turn, a ratio is taken within a round
// (the same minute's speed) and the median over the rounds is reported. Each round also starts its servers
// afresh: one process can run 10–25% faster or slower than an identical one for its whole life (where the
// kernel places it, what the JIT decides), and that draw should not decide a whole run. (The largest such
// draw, V8's pretenuring, is turned off: see below.) Within a round each
// endpoint is loaded twice for half its time, the endpoints in turn and then in the reverse order (A B C D,
// D C B A): every endpoint's measurement is then centred on the same moment of the round, so a machine
// speeding up or slowing down during the round does not favour the endpoints measured first.
//
// Every server applies the V8 settings the contentstats process gives itself (src/cli/v8-settings.ts), the
// hello-world and the bare POST too, so the comparison is between processes set up alike. (Without them about
// one API process in three ran about a quarter slower for its whole life: docs/benchmarks.md, "one start in
// three".)
//
// Each measured run also reads the server's CPU time (user + system, /proc/<pid>/stat) before and after it:
// CPU microseconds per request are what a request costs the server, and move far less with the machine's
// load than requests/s do (a busy machine takes cores from the load generator and the server alike).
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { startChild, stopChild } from './child.ts';

const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 7);
const SECONDS_PER_RUN = Number(process.env.BENCH_HTTP_SECONDS ?? 2);
/**
 * Load on each endpoint before a round measures: a server's steady state, not its first seconds. A bare
 * hello-world is there after one second of load (15–21 µs of CPU a request from then on); POST /videos/track
 * takes three to four (measured each second from fresh processes: 269–316 µs a track in the first, 81–93 in
 * the second, 77–86 in the third, 64–82 from the fourth on). Each round prints nothing of the warm-up; the
 * figures with one second of it are in docs/benchmarks.md beside these.
 */
const WARM_UP_SECONDS = Number(process.env.BENCH_HTTP_WARMUP ?? 4);
const CONNECTIONS = 32;
/** /proc/<pid>/stat counts CPU time in clock ticks: 100 per second on Linux. */
const TICKS_PER_SECOND = 100;

/** A process's CPU time so far in seconds, or undefined where /proc is not there to read it. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

interface Run {
  requests: number;
  seconds: number;
  /** The server's CPU time in those seconds, when it can be read. */
  cpuSeconds: number | undefined;
}

async function load(options: autocannon.Options, seconds: number, serverPid?: number): Promise<Run> {
  const before = cpuSeconds(serverPid);
  const result = await autocannon({ ...options, duration: seconds, connections: CONNECTIONS });
  const after = cpuSeconds(serverPid);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    cpuSeconds: before === undefined || after === undefined ? undefined : after - before,
  };
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
  const cpu = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Endpoint, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    const hello = await startChild<{ port: number }>(server('hello'));
    const floor = await startChild<{ port: number }>(server('post-floor'));
    const api = await startChild<{ port: number; testKey: string }>(server('api'));
    const base = `http://127.0.0.1:${api.ready.port}`;
    const pids: Record<Endpoint, number | undefined> = {
      hello: hello.child.pid,
      floor: floor.child.pid,
      usage: api.child.pid,
      track: api.child.pid,
    };
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
      for (const name of names) await load(endpoints[name], WARM_UP_SECONDS);
      const runs = Object.fromEntries(names.map((name) => [name, [] as Run[]])) as Record<Endpoint, Run[]>;
      for (const name of [...names, ...[...names].reverse()]) {
        runs[name].push(await load(endpoints[name], SECONDS_PER_RUN / 2, pids[name]));
      }
      for (const name of names) {
        const total = (of: (run: Run) => number | undefined) =>
          runs[name].reduce<number | undefined>((sum, run) => {
            const value = of(run);
            return sum === undefined || value === undefined ? undefined : sum + value;
          }, 0);
        const requests = total((run) => run.requests)!;
        rps[name].push(requests / total((run) => run.seconds)!);
        const cpuTime = total((run) => run.cpuSeconds);
        if (cpuTime !== undefined && requests > 0) cpu[name].push((cpuTime * 1e6) / requests);
      }
    } finally {
      await Promise.all([hello, floor, api].map(({ child }) => stopChild(child)));
    }
  }

  const ratios = (name: Endpoint, to: Endpoint = 'hello') =>
    rps[name].map((value, round) => value / rps[to][round]!);
  const cpuColumn = (name: Endpoint) => {
    if (cpu[name].length !== ROUNDS) return '';
    const perRequest = median(cpu[name]);
    const times = cpu[name].map((value, round) => value / cpu.hello[round]!);
    return (
      `   server CPU ${perRequest.toFixed(1)} µs/request` +
      (name === 'hello'
        ? ` (rounds ${Math.min(...cpu[name]).toFixed(1)}–${Math.max(...cpu[name]).toFixed(1)})`
        : ` = ${median(times).toFixed(2)} × hello's`)
    );
  };
  const line = (label: string, name: Endpoint, target: string) => {
    const r = ratios(name);
    report(
      `  ${label.padEnd(34)}${median(rps[name]).toFixed(0).padStart(8)} req/s   ${median(r).toFixed(2)} × hello` +
        ` (rounds ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}${target})${cpuColumn(name)}`,
    );
  };
  report(
    `HTTP (${CONNECTIONS} connections; ${ROUNDS} rounds of ${SECONDS_PER_RUN} s per endpoint after ${WARM_UP_SECONDS} s of warm-up, each server in its own process,` +
      ' started afresh each round, loaded in two halves A B C D, D C B A; medians, ratios taken within a round)',
  );
  report(
    `  ${'hello-world (bare Fastify)'.padEnd(34)}${median(rps.hello).toFixed(0).padStart(8)} req/s   baseline${cpuColumn('hello')}`,
  );
  line('GET  /api/v1/usage', 'usage', '; target ≥ 0.5');
  line('POST /api/v1/videos/track (test)', 'track', '; target ≥ 0.25');
  line('reference: bare Fastify POST answering a track-sized 201', 'floor', '');
  report(
    `  track ÷ that reference: ${median(ratios('track', 'floor')).toFixed(2)} (what track costs beyond HTTP itself)`,
  );
}
