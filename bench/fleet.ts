// The fleet (docs/benchmarks.md, docs/scaling.md): scale mode's real `contentstats worker` processes — 1, 2 and 4
// of them — sharing one PostgreSQL database (a fresh schema per run, dropped afterwards), collecting live TikTok
// videos through the production path (the real collector and HTTP client, CONTENTSTATS_UPSTREAMS pointing TikTok
// at the local fake platform, which answers every page after 200 ms with the full-size fixture page).
//
// The backlog: each run seeds more live videos, all due at once, than the fleet can collect in the run (so the
// workers are the bottleneck) and counts the snapshots stored in a fixed window after a warm-up. Runs go in
// rounds of 1, 2 and 4 workers; the rate of each fleet is a ratio to one worker in the same round (this machine's
// speed drifts within minutes), reported as the median over the rounds with its range.
// The burst: 2,000 videos falling due at once (a batch track), once per fleet size: the time from the commit that
// made them due to the last one stored, and how many each worker stored.
//
// The interval is longer than a run, so no slot may be missed: after each run the workers are stopped (SIGTERM,
// each must exit 0) and the database must show one snapshot per slot, no missed slot, every video's slots settled
// up to its next one, one charge per stored snapshot and balance = Σ ledger ≥ 0 (test/support/invariants.ts).
//
// Beside the rate, over each window: each worker's CPU and its PostgreSQL backends' CPU (/proc), the bench
// process's own (the fake platform); a page's mean collection time (the workers' own histogram: request, answer
// and parse) against the time a page holds its slot (slots ÷ rate: collection, then recording); and what the
// workers' backends were doing (pg_stat_activity every 100 ms): waiting for the worker (idle, idle in
// transaction), running, or waiting on a lock (named by the statement waiting) or the WAL.
//
// BENCH_FLEET_SIZES (1,2,4), BENCH_FLEET_ROUNDS (3), BENCH_FLEET_VIDEOS (the backlog, 15,000), BENCH_FLEET_SECONDS
// (the window, 20), BENCH_FLEET_WARMUP_SECONDS (5), BENCH_FLEET_BURST (2,000; 0 skips it), BENCH_FLEET_LATENCY_MS
// (200), BENCH_FLEET_CONCURRENCY and BENCH_FLEET_PLATFORM_CONCURRENCY (each worker's SCHEDULER_CONCURRENCY and
// SCHEDULER_PLATFORM_CONCURRENCY; the product's defaults, 16 and 8, when unset); the database is TEST_DATABASE_URL
// (postgres://postgres@127.0.0.1:5432/test). Alone: BENCH_ONLY=fleet npm run bench
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { FIXTURE_VIDEO_ID, loadFixture } from '../src/platforms/tiktok/fixture-pages.ts';
import { type FakePlatform, fakeReply, startFakePlatform } from '../test/fake-platform/server.ts';
import { expectInvariants } from '../test/support/invariants.ts';
import { CONTENTSTATS_BIN, childEnv, freePort } from '../test/support/processes.ts';
import { seedDueLiveVideos } from '../test/support/seed-due-videos.ts';
import { createTestStore, type TestStore } from '../test/support/stores.ts';

const SIZES = (process.env.BENCH_FLEET_SIZES ?? '1,2,4').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_FLEET_ROUNDS ?? 3);
const VIDEOS = Number(process.env.BENCH_FLEET_VIDEOS ?? 15_000);
const BURST = Number(process.env.BENCH_FLEET_BURST ?? 2_000);
const WINDOW_SECONDS = Number(process.env.BENCH_FLEET_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_FLEET_WARMUP_SECONDS ?? 5);
const LATENCY_MS = Number(process.env.BENCH_FLEET_LATENCY_MS ?? 200);
const CONCURRENCY = process.env.BENCH_FLEET_CONCURRENCY;
const PLATFORM_CONCURRENCY = process.env.BENCH_FLEET_PLATFORM_CONCURRENCY;
/** Pages one worker has in flight: its pools' limits (the engine's defaults, 16 and 8, when unset). */
const SLOTS = Math.min(Number(CONCURRENCY ?? 16), Number(PLATFORM_CONCURRENCY ?? 8));
/** Longer than any run: a slot collected late within its own interval is never missed. */
const INTERVAL_SECONDS = 600;
const COST_MICRO_USD = 15_000;
const TIKTOK = 'https://www.tiktok.com';
const CLOCK_TICKS_PER_SECOND = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const platformVideoId = (i: number) => `73${String(i).padStart(17, '0')}`;

interface Worker {
  child: ChildProcess;
  port: number;
  output: string[];
  exited: Promise<number | null>;
}

function startWorker(store: TestStore, fake: FakePlatform, port: number): Worker {
  const child = spawn(process.execPath, [CONTENTSTATS_BIN, 'worker'], {
    env: childEnv(store, {
      HOST: '127.0.0.1',
      PORT: String(port),
      SNAPSHOT_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      COST_PER_SNAPSHOT_USD: String(COST_MICRO_USD / 1_000_000),
      LOG_LEVEL: 'warn',
      CONTENTSTATS_UPSTREAMS: JSON.stringify(fake.upstreams([TIKTOK])),
      ...(CONCURRENCY ? { SCHEDULER_CONCURRENCY: CONCURRENCY } : {}),
      ...(PLATFORM_CONCURRENCY ? { SCHEDULER_PLATFORM_CONCURRENCY: PLATFORM_CONCURRENCY } : {}),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, output, exited };
}

async function ready(worker: Worker): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output.join('')}`);
    const ok = await fetch(`http://127.0.0.1:${worker.port}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error('worker not ready within 90 s');
}

interface WorkerCounts {
  /** Snapshots stored. */
  recorded: number;
  /** Collection batches (pages) and the seconds they took. */
  collections: number;
  collectSeconds: number;
}

/** The worker's own counts (its /metrics). */
async function countsOf(worker: Worker): Promise<WorkerCounts> {
  const text = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
  const sum = (name: string) => {
    let total = 0;
    for (const match of text.matchAll(new RegExp(`^${name}\\{[^}]*\\} ([\\d.e+-]+)$`, 'gm')))
      total += Number(match[1]);
    return total;
  };
  return {
    recorded: sum('contentstats_snapshots_recorded_total'),
    collections: sum('contentstats_collection_duration_seconds_count'),
    collectSeconds: sum('contentstats_collection_duration_seconds_sum'),
  };
}

/** User + system CPU seconds of a process (all its threads), or undefined once it is gone. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The local TCP ports of a process's connections to PostgreSQL's port (its sockets matched in /proc/net/tcp). */
function postgresClientPorts(pid: number, postgresPort: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const local = cols[1]!;
      const remote = cols[2]!;
      if (Number.parseInt(remote.split(':')[1]!, 16) !== postgresPort) continue;
      if (inodes.has(cols[9]!)) ports.push(Number.parseInt(local.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** Each worker's PostgreSQL backends (server process ids, and when each started), found through its client ports. */
async function backendsOf(
  store: TestStore,
  workers: Worker[],
): Promise<Map<number, { worker: number; startedAt: number }>> {
  const postgresPort = Number(new URL(store.url).port || 5432);
  const workerOfPort = new Map<number, number>();
  workers.forEach((w, i) => {
    for (const port of postgresClientPorts(w.child.pid!, postgresPort)) workerOfPort.set(port, i);
  });
  const { rows } = await sql<{ pid: number; client_port: number; started_at: number }>`
    select pid, client_port, extract(epoch from backend_start) * 1000 as started_at
    from pg_stat_activity where client_port = any(${[...workerOfPort.keys()]})`.execute(store.db);
  return new Map(
    rows.map((r) => [
      Number(r.pid),
      { worker: workerOfPort.get(Number(r.client_port))!, startedAt: Number(r.started_at) },
    ]),
  );
}

interface WindowSample {
  /** CPU seconds of each worker's PostgreSQL backends over the window. */
  backendCpu: number[];
  /** What the workers' backends were doing: samples per state or wait event. */
  activity: Map<string, number>;
}

/**
 * Watches the workers' backends until `end`: every 100 ms what each is doing (pg_stat_activity), every second
 * which they are (a pool opens and closes connections as it goes) and their CPU. A backend started within the
 * window counts from zero; one that ends between two readings loses up to a second.
 */
async function watchBackends(
  store: TestStore,
  workers: Worker[],
  start: number,
  end: number,
): Promise<WindowSample> {
  const cpu = new Map<number, { worker: number; first: number; last: number }>();
  const activity = new Map<string, number>();
  let pids: number[] = [];
  let lastMapped = 0;
  while (Date.now() < end) {
    if (Date.now() - lastMapped >= 1000) {
      lastMapped = Date.now();
      const backends = await backendsOf(store, workers);
      pids = [...backends.keys()];
      for (const [pid, { worker, startedAt }] of backends) {
        const now = cpuSeconds(pid);
        if (now === undefined) continue;
        const seen = cpu.get(pid);
        if (seen) seen.last = now;
        else cpu.set(pid, { worker, first: startedAt >= start ? 0 : now, last: now });
      }
    }
    const { rows } = await sql<{
      state: string | null;
      wait_event_type: string | null;
      wait_event: string | null;
      query: string;
    }>`
      select state, wait_event_type, wait_event, query from pg_stat_activity where pid = any(${pids})`.execute(
      store.db,
    );
    for (const row of rows) {
      // A lock wait names the statement waiting (its first words: `update "accounts"`).
      const statement = row.query.trim().split(/\s+/).slice(0, 3).join(' ');
      const what =
        row.state === 'active'
          ? row.wait_event
            ? `active, waiting on ${row.wait_event_type}:${row.wait_event}${row.wait_event_type === 'Lock' ? ` (${statement})` : ''}`
            : 'active, running'
          : `${row.state}`;
      activity.set(what, (activity.get(what) ?? 0) + 1);
    }
    await sleep(100);
  }
  for (const [pid, entry] of cpu) entry.last = cpuSeconds(pid) ?? entry.last;
  const backendCpu = workers.map(() => 0);
  for (const { worker, first, last } of cpu.values()) backendCpu[worker]! += last - first;
  return { backendCpu, activity };
}

interface FleetRun {
  workers: number;
  perSecond: number;
  perWorker: number[];
  /** Mean time of one collection (a page: request, answer, parse). */
  collectMs: number;
  workerCpu: number[];
  backendCpu: number[];
  benchCpu: number;
  activity: Map<string, number>;
  load: [number, number];
  warnings: string[];
}

/** Invariants after a run: one snapshot per slot, nothing missed, slots settled up to the next, money right. */
async function expectFleetInvariants(store: TestStore, accountId: string): Promise<void> {
  const duplicates = await sql<{ n: number }>`
    select count(*) as n from (select 1 from snapshots group by video_key, slot having count(*) > 1) d`.execute(
    store.db,
  );
  if (Number(duplicates.rows[0]!.n) !== 0) throw new Error(`${duplicates.rows[0]!.n} slots stored twice`);
  // Each video's slots before next_slot are stored (none missed: every slot was collected within its interval),
  // none after it, and its counters agree.
  const broken = await sql<{ id: string; next_slot: number; rows: number; max_slot: number; missed: number }>`
    select v.id, v.next_slot, count(s.slot) as rows, max(s.slot) as max_slot, v.snapshots_missed as missed
    from videos v left join snapshots s on s.video_key = v.video_key
    where v.account_id = ${accountId}
    group by v.id
    having count(s.slot) <> v.next_slot or max(s.slot) <> v.next_slot - 1 or v.snapshots_missed <> 0
      or count(s.slot) filter (where s.source is null) <> 0 or v.snapshots_collected <> v.next_slot
      or v.status <> 'monitoring'
    limit 5`.execute(store.db);
  if (broken.rows.length > 0) throw new Error(`videos out of step: ${JSON.stringify(broken.rows)}`);
  // balance = Σ ledger ≥ 0, reserved = Σ videos' reservations, one charge per stored live snapshot, totals.
  await expectInvariants(store, accountId);
}

/** Starts `size` workers on a fresh schema, runs `body`, stops them (SIGTERM: each must exit 0), drops the schema. */
async function withFleet<T>(
  size: number,
  fake: FakePlatform,
  body: (store: TestStore, workers: Worker[]) => Promise<T>,
): Promise<{ result: T; store: TestStore; warnings: string[] }> {
  const store = await createTestStore('postgres');
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < size; i++) workers.push(startWorker(store, fake, await freePort()));
    await Promise.all(workers.map(ready));
    const result = await body(store, workers);
    for (const worker of workers) worker.child.kill('SIGTERM');
    const codes = await Promise.all(workers.map((w) => w.exited));
    if (codes.some((code) => code !== 0)) throw new Error(`a worker exited with ${codes.join(', ')}`);
    // Without SMTP_URL each worker says once that emails wait in the outbox: expected here, not a warning.
    const warnings = workers
      .flatMap((w) => w.output.join('').split('\n'))
      .filter((line) => line.trim() !== '' && !line.includes('SMTP_URL is unset'));
    return { result, store, warnings };
  } finally {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
  }
}

const seed = (store: TestStore, videos: number) =>
  seedDueLiveVideos(store, {
    videos,
    dueAt: Date.now(),
    intervalSeconds: INTERVAL_SECONDS,
    durationDays: 7,
    costMicroUsd: COST_MICRO_USD,
    platformVideoId,
  });

/** A backlog larger than the run: snapshots stored per second in a window after the warm-up. */
async function measureBacklog(size: number, fake: FakePlatform): Promise<FleetRun> {
  let accountId = '';
  const { result, store, warnings } = await withFleet(size, fake, async (store, workers) => {
    const loadBefore = loadavg()[0]!;
    const before = fake.requests.length;
    ({ accountId } = await seed(store, VIDEOS));
    while (fake.requests.length === before) await sleep(5);
    await sleep(WARMUP_SECONDS * 1000);

    const windowStart = Date.now();
    const windowEnd = windowStart + WINDOW_SECONDS * 1000;
    const counted0 = await Promise.all(workers.map(countsOf));
    const workerCpu0 = workers.map((w) => cpuSeconds(w.child.pid!) ?? 0);
    const benchCpu0 = process.cpuUsage();
    const { backendCpu, activity } = await watchBackends(store, workers, windowStart, windowEnd);
    const counted1 = await Promise.all(workers.map(countsOf));
    const workerCpu1 = workers.map((w) => cpuSeconds(w.child.pid!) ?? 0);
    const benchCpu = process.cpuUsage(benchCpu0);
    return {
      windowStart,
      windowEnd,
      perWorker: counted1.map((n, i) => (n.recorded - counted0[i]!.recorded) / WINDOW_SECONDS),
      collectMs:
        (1000 * counted1.reduce((sum, n, i) => sum + n.collectSeconds - counted0[i]!.collectSeconds, 0)) /
        Math.max(
          1,
          counted1.reduce((sum, n, i) => sum + n.collections - counted0[i]!.collections, 0),
        ),
      workerCpu: workerCpu1.map((cpu, i) => (cpu - workerCpu0[i]!) / WINDOW_SECONDS),
      backendCpu: backendCpu.map((cpu) => cpu / WINDOW_SECONDS),
      benchCpu: (benchCpu.user + benchCpu.system) / 1e6 / WINDOW_SECONDS,
      activity,
      load: [loadBefore, loadavg()[0]!] as [number, number],
    };
  });
  try {
    const stored = await sql<{ n: number; all: number }>`
      select count(*) filter (where taken_at >= ${result.windowStart} and taken_at < ${result.windowEnd}) as n,
        count(*) as all
      from snapshots where slot >= 1 and source is not null`.execute(store.db);
    if (Number(stored.rows[0]!.all) >= VIDEOS)
      throw new Error(`the backlog of ${VIDEOS} ran out: raise BENCH_FLEET_VIDEOS`);
    await expectFleetInvariants(store, accountId);
    const { windowStart: _s, windowEnd: _e, ...rest } = result;
    return { workers: size, perSecond: Number(stored.rows[0]!.n) / WINDOW_SECONDS, ...rest, warnings };
  } finally {
    await store.destroy();
  }
}

interface BurstRun {
  workers: number;
  /** From the commit that made them due to the last one stored. */
  seconds: number;
  perSecond: number;
  /** How many of the burst each worker stored. */
  perWorker: number[];
  warnings: string[];
}

/** BURST videos falling due at once (a batch track): how long the fleet takes to store them all. */
async function measureBurst(size: number, fake: FakePlatform): Promise<BurstRun> {
  let accountId = '';
  const { result, store, warnings } = await withFleet(size, fake, async (store, workers) => {
    const counted0 = await Promise.all(workers.map(countsOf));
    ({ accountId } = await seed(store, BURST));
    const due = Date.now();
    const deadline = due + 10 * 60_000;
    for (;;) {
      const { rows } = await sql<{ n: number; last: number | null }>`
        select count(*) as n, max(taken_at) as last from snapshots where slot >= 1`.execute(store.db);
      if (Number(rows[0]!.n) >= BURST) {
        const counted1 = await Promise.all(workers.map(countsOf));
        return {
          seconds: (Number(rows[0]!.last) - due) / 1000,
          perWorker: counted1.map((n, i) => n.recorded - counted0[i]!.recorded),
        };
      }
      if (Date.now() > deadline) throw new Error('the burst was not collected within 10 minutes');
      await sleep(100);
    }
  });
  try {
    await expectFleetInvariants(store, accountId);
    return {
      workers: size,
      seconds: result.seconds,
      perSecond: BURST / result.seconds,
      perWorker: result.perWorker,
      warnings,
    };
  } finally {
    await store.destroy();
  }
}

const f = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const mean = (values: number[]) => values.reduce((x, y) => x + y, 0) / values.length;
const range = (values: number[], digits: number) =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

/** The fake platform: the fixture page re-addressed to each video, after LATENCY_MS. */
async function startPlatform(): Promise<FakePlatform> {
  // Encoded once: the page's parts around the fixture's id, joined per request with the requested id's bytes, so
  // the bench process spends as little as it can of the machine the workers share.
  const parts = loadFixture('video-page')
    .split(FIXTURE_VIDEO_ID)
    .map((part) => Buffer.from(part));
  return startFakePlatform((request) => {
    const id = Buffer.from(request.url.pathname.split('/').at(-1) ?? '');
    const body = Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [id, part])));
    return { ...fakeReply.html(''), body, delayMs: LATENCY_MS };
  });
}

export async function benchFleet(report: (line: string) => void): Promise<void> {
  const fake = await startPlatform();
  const rounds: FleetRun[][] = [];
  const bursts: BurstRun[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const runs: FleetRun[] = [];
      for (const size of SIZES) {
        runs.push(await measureBacklog(size, fake));
        fake.requests.length = 0;
      }
      rounds.push(runs);
    }
    if (BURST > 0)
      for (const size of SIZES) {
        bursts.push(await measureBurst(size, fake));
        fake.requests.length = 0;
      }
  } finally {
    await fake.close();
  }
  const settings = `SCHEDULER_CONCURRENCY ${CONCURRENCY ?? 'default (16)'}, SCHEDULER_PLATFORM_CONCURRENCY ${PLATFORM_CONCURRENCY ?? 'default (8)'}`;
  report(
    `Fleet on PostgreSQL: real \`contentstats worker\` processes (${settings}), TikTok pages from the fake platform after ${LATENCY_MS} ms`,
  );
  report(
    `A backlog of ${f(VIDEOS)} live videos due at once: snapshots stored per second over ${WINDOW_SECONDS} s after ${WARMUP_SECONDS} s, ${ROUNDS} rounds of ${SIZES.join(', ')} workers; invariants checked after each run`,
  );
  report('  (median over rounds; the ratio to one worker is taken within each round: median, range)');
  const baselineIndex = Math.max(0, SIZES.indexOf(1));
  for (const [i, size] of SIZES.entries()) {
    const runs = rounds.map((runs) => runs[i]!);
    const ratios = rounds.map((runs) => runs[i]!.perSecond / runs[baselineIndex]!.perSecond);
    const target = size === 4 ? ' (target ≥ 3×)' : '';
    const loads = runs.flatMap((run) => run.load);
    report(
      `  ${size} worker${size === 1 ? ' ' : 's'}  ${f(median(runs.map((r) => r.perSecond))).padStart(5)} collections/s (${range(
        runs.map((r) => r.perSecond),
        0,
      )})   ${median(ratios).toFixed(2)} × one worker (${range(ratios, 2)})${target}   load ${range(loads, 1)}`,
    );
    const perWorker = mean(runs.map((r) => r.perSecond / size));
    const workerCpu = mean(runs.flatMap((r) => r.workerCpu));
    const backendCpu = mean(runs.flatMap((r) => r.backendCpu));
    const benchCpu = mean(runs.map((r) => r.benchCpu));
    const ms = (cpu: number) => ((cpu * 1000) / perWorker).toFixed(2);
    report(
      `      each worker: ${f(perWorker)}/s, CPU ${workerCpu.toFixed(2)} core (${ms(workerCpu)} ms a page), its PostgreSQL backends ${backendCpu.toFixed(2)} (${ms(backendCpu)} ms); fake platform ${benchCpu.toFixed(2)}; together ${(size * (workerCpu + backendCpu) + benchCpu).toFixed(2)} of the 2 cores`,
    );
    const collectMs = mean(runs.map((r) => r.collectMs));
    report(
      `      a page holds one of the ${SLOTS} slots ${((1000 * SLOTS) / perWorker).toFixed(0)} ms: collecting ${collectMs.toFixed(0)} ms (of which ${LATENCY_MS} ms the platform's wait), recording and waiting for it ${((1000 * SLOTS) / perWorker - collectMs).toFixed(0)} ms`,
    );
    const activity = new Map<string, number>();
    for (const run of runs)
      for (const [what, n] of run.activity) activity.set(what, (activity.get(what) ?? 0) + n);
    const samples = [...activity.values()].reduce((x, y) => x + y, 0);
    const top = [...activity]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 5)
      .map(([what, n]) => `${what} ${((100 * n) / samples).toFixed(0)}%`);
    report(`      workers' PostgreSQL connections: ${top.join('; ')}`);
    const warnings = runs.flatMap((r) => r.warnings);
    if (warnings.length > 0) report(`      worker log (warn+): ${warnings.slice(0, 3).join(' | ')}`);
  }
  if (bursts.length === 0) return;
  const burstBaseline = bursts.find((r) => r.workers === 1) ?? bursts[0]!;
  report(
    `A burst: ${f(BURST)} live videos falling due at once (a batch track), from the commit to the last stored`,
  );
  for (const run of bursts) {
    report(
      `  ${run.workers} worker${run.workers === 1 ? ' ' : 's'}  ${run.seconds.toFixed(1).padStart(5)} s  ${f(run.perSecond).padStart(5)} collections/s   ${(run.perSecond / burstBaseline.perSecond).toFixed(2)} × one worker   stored per worker: ${run.perWorker.map((n) => f(n)).join(', ')}`,
    );
    if (run.warnings.length > 0) report(`      worker log (warn+): ${run.warnings.slice(0, 3).join(' | ')}`);
  }
}
