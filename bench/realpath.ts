// The real collection path, sustained (docs/benchmarks.md, docs/scaling.md): N live videos kept on schedule by
// the production scheduler and the four real collectors, reached through CONTENTSTATS_UPSTREAMS, against fake
// platforms that answer full-size bodies (the fixtures: TikTok's video page, YouTube's ~1 MB watch page,
// Instagram's post page and GraphQL answer, X's GraphQL and API v2 answers, YouTube's videos.list) after 300 ms
// plus up to 100 ms of jitter. The videos' interval is short (60 s) and N is chosen so that the due rate is one
// million videos an hour: 278 snapshots/s.
//
// Three processes: this one (seeds a SQLite file database, reads the figures), the fake platforms
// (bench/servers/real-platforms.ts) and the measured one (bench/servers/realpath-engine.ts: what `serve` runs
// beside its API). Each run starts both afresh on a fresh database, lets the first BENCH_REALPATH_WARMUP_SECONDS
// pass (JIT, connections, Instagram's retired queries learnt), and measures the rest:
//   - each read path alone (BENCH_REALPATH_PATH_SECONDS each): CPU-ms per stored snapshot of the whole process
//     and of its main thread, from which the videos an hour one core holds on that path;
//   - the page mix (BENCH_REALPATH_SECONDS): a quarter each of TikTok's page, YouTube's watch page, Instagram's
//     post page and X's guest GraphQL (X has no page with data: its page loads this), the target: 278/s held
//     with p99 slot lateness under 60 s.
// Reported for each: snapshots/s stored (as a share of the due rate, the baseline), p50/p99 slot lateness,
// slots missed, what was still due at the end, peak RSS of the measured process, the fake's CPU.
//
// BENCH_REALPATH_RUNS=paths,mix picks runs; BENCH_REALPATH_PATHS=tiktok-web,… picks paths; BENCH_REALPATH_RATE,
// BENCH_REALPATH_INTERVAL_SECONDS, BENCH_REALPATH_LATENCY_MS, BENCH_REALPATH_JITTER_MS, BENCH_REALPATH_CONCURRENCY
// and BENCH_REALPATH_PLATFORM_CONCURRENCY change the set-up; BENCH_REALPATH_PROFILE=dir writes .cpuprofile files of
// each measured process in dir/<run> (node --cpu-prof; read them with bench/profile-top.ts).
//
// Alone: BENCH_ONLY=realpath npm run bench
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PlatformName } from '../src/platforms/types.ts';
import { startChild, stopChild } from './child.ts';
import {
  benchVideoId,
  benchVideoLink,
  observedMetadata,
  platformAnswers,
  READ_PATHS,
  type ReadPathName,
} from './realpath-world.ts';
import { seedVideos } from './seed.ts';
import type { EngineFinal, EngineSample } from './servers/realpath-engine.ts';

const env = process.env;
const RATE = Number(env.BENCH_REALPATH_RATE ?? 1_000_000 / 3600);
const INTERVAL_SECONDS = Number(env.BENCH_REALPATH_INTERVAL_SECONDS ?? 60);
const MIX_SECONDS = Number(env.BENCH_REALPATH_SECONDS ?? 120);
const PATH_SECONDS = Number(env.BENCH_REALPATH_PATH_SECONDS ?? 30);
const WARMUP_SECONDS = Number(env.BENCH_REALPATH_WARMUP_SECONDS ?? 10);
const LATENCY_MS = Number(env.BENCH_REALPATH_LATENCY_MS ?? 300);
const JITTER_MS = Number(env.BENCH_REALPATH_JITTER_MS ?? 100);
const CONCURRENCY = Number(env.BENCH_REALPATH_CONCURRENCY ?? 256);
const PLATFORM_CONCURRENCY = Number(env.BENCH_REALPATH_PLATFORM_CONCURRENCY ?? 256);
const RUNS = (env.BENCH_REALPATH_RUNS ?? 'paths,mix').split(',').map((s) => s.trim());
const PATHS = (env.BENCH_REALPATH_PATHS?.split(',').map((s) => s.trim()) ??
  Object.keys(READ_PATHS)) as ReadPathName[];
const PROFILE_DIR = env.BENCH_REALPATH_PROFILE;
/** The measured process is started this long before the first slot falls due (tsx compiles the sources first). */
const START_LEAD_MS = 8_000;

const PAGE_MIX: ReadPathName[] = ['tiktok-web', 'youtube-web', 'instagram-web', 'x-graphql'];

interface RunFigures {
  seconds: number;
  due: number;
  stored: number;
  missed: number;
  retried: number;
  storedByPlatform: Record<string, number>;
  cpuMsPerSnapshot: number;
  mainThreadMsPerSnapshot: number;
  /** Share of one core the process used over the window (CPU seconds per second). */
  cores: number;
  /** Share of the window the main thread waited for a CPU held by other processes (the machine's load). */
  starved: number;
  /** The machine's 1-minute load average when the window began and ended. */
  load: [number, number];
  latenessMs: number[];
  stillDue: number;
  peakRssBytes: number;
  fakeCpuMsPerSecond: number;
  fakeRequests: Record<string, { requests: number; bytes: number }>;
  reads: Record<string, number>;
  /** The measured process's CPU by thread, over its whole life (start-up included), as shares. */
  threads: Record<string, number>;
  lateStart: boolean;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function askFake(child: ChildProcess): Promise<{
  cpu: NodeJS.CpuUsage;
  served: Record<string, { requests: number; bytes: number }>;
}> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'cpu' in message) {
        child.off('message', onMessage);
        resolve(message as Awaited<ReturnType<typeof askFake>>);
      }
    };
    child.on('message', onMessage);
    child.send('stats');
  });
}

/** One run: `paths` share the videos equally (video i reads by paths[i % paths.length]). */
async function run(name: string, paths: readonly ReadPathName[], seconds: number): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-realpath-'));
  const dbPath = join(dir, 'realpath.db');
  const instagramGraphql = paths.some((path) => READ_PATHS[path].platform === 'instagram')
    ? paths.includes('instagram-web')
      ? 'retired'
      : 'current'
    : 'current';
  const fake = await startChild<{ upstreams: Record<string, string> }>(
    new URL('./servers/real-platforms.ts', import.meta.url).pathname,
    {
      BENCH_REALPATH_LATENCY_MS: String(LATENCY_MS),
      BENCH_REALPATH_JITTER_MS: String(JITTER_MS),
      BENCH_REALPATH_INSTAGRAM_GRAPHQL: instagramGraphql,
    },
  );
  let engine: ChildProcess | undefined;
  try {
    const answers = platformAnswers();
    const metadata = new Map(paths.map((path) => [path, observedMetadata(answers, path)]));
    const videos = Math.round(RATE * INTERVAL_SECONDS);
    const firstDueAt = Date.now() + START_LEAD_MS;
    await seedVideos({
      path: dbPath,
      videos,
      due: videos,
      dueAt: firstDueAt,
      mode: 'live',
      intervalSeconds: INTERVAL_SECONDS,
      slots: 168,
      video: (index) => {
        const path = paths[index % paths.length]!;
        const platform: PlatformName = READ_PATHS[path].platform;
        const videoId = benchVideoId(platform, Math.floor(index / paths.length));
        const link = benchVideoLink(platform, videoId);
        return { platform, videoId, link, canonicalUrl: link, metadata: metadata.get(path)! };
      },
      // Spread evenly over the interval: RATE slots fall due every second.
      slotOneDueAt: (index) => firstDueAt + Math.floor((index / videos) * INTERVAL_SECONDS * 1000),
    });

    const pathEnv: Record<string, string> = { YOUTUBE_API_KEY: '', X_BEARER_TOKEN: '' };
    for (const path of paths) Object.assign(pathEnv, READ_PATHS[path].env);
    // One folder per run: the main thread's profile is the large one (tsx's loader thread writes its own).
    const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, name)}`] : [];
    const started = await startChild<{ ready: true }>(
      new URL('./servers/realpath-engine.ts', import.meta.url).pathname,
      {
        ...pathEnv,
        DATABASE_URL: `sqlite:${dbPath}`,
        CONTENTSTATS_UPSTREAMS: JSON.stringify(fake.ready.upstreams),
        SCHEDULER_CONCURRENCY: String(CONCURRENCY),
        SCHEDULER_PLATFORM_CONCURRENCY: String(PLATFORM_CONCURRENCY),
        LOG_LEVEL: 'error',
      },
      profile,
    );
    engine = started.child;
    const lateStart = Date.now() > firstDueAt;
    const samples: EngineSample[] = [];
    engine.on('message', (message: { sample?: EngineSample }) => {
      if (message.sample) samples.push(message.sample);
    });

    const windowStart = firstDueAt + WARMUP_SECONDS * 1000;
    const end = firstDueAt + seconds * 1000;
    await sleepUntil(windowStart);
    const loadBefore = loadavg()[0]!;
    const fakeBefore = await askFake(fake.child);
    const firstSample = samples.length;
    await sleepUntil(end);
    const fakeAfter = await askFake(fake.child);
    const windowSamples = samples.slice(firstSample);
    const final = await new Promise<EngineFinal>((resolve) => {
      engine!.on('message', (message: { final?: EngineFinal }) => {
        if (message.final) resolve(message.final);
      });
      engine!.send('stop');
    });
    await new Promise((resolve) => engine!.once('exit', resolve));
    engine = undefined;

    // The samples at both ends of the window bound it; what the passes in between stored is the window's.
    const before = samples[firstSample - 1] ?? windowSamples[0]!;
    const last = windowSamples.at(-1)!;
    const measured = windowSamples.filter((sample) => sample !== before);
    const windowSeconds = (last.at - before.at) / 1000;
    const sum = (pick: (sample: EngineSample) => number) =>
      measured.reduce((total, sample) => total + pick(sample), 0);
    const stored = sum((s) => s.stored);
    const storedByPlatform: Record<string, number> = {};
    for (const sample of measured)
      for (const [platform, count] of Object.entries(sample.storedByPlatform))
        storedByPlatform[platform] = (storedByPlatform[platform] ?? 0) + count;
    const cpuMs = (last.cpuMicros - before.cpuMicros) / 1000;
    const mainMs = last.mainThreadCpuMs - before.mainThreadCpuMs;

    const db = new Database(dbPath, { readonly: true });
    // What should have been collected by the end (allowing a pass and an answer) and was not.
    const stillDue = (
      db
        .prepare("select count(*) as n from videos where status = 'monitoring' and next_due_at < ?")
        .get(end - 5_000) as { n: number }
    ).n;
    db.close();

    const served: RunFigures['fakeRequests'] = {};
    for (const [route, after] of Object.entries(fakeAfter.served)) {
      const was = fakeBefore.served[route] ?? { requests: 0, bytes: 0 };
      served[route] = { requests: after.requests - was.requests, bytes: after.bytes - was.bytes };
    }
    const fakeCpuMs =
      (fakeAfter.cpu.user + fakeAfter.cpu.system - fakeBefore.cpu.user - fakeBefore.cpu.system) / 1000;
    return {
      seconds: windowSeconds,
      due: RATE * windowSeconds,
      stored,
      missed: sum((s) => s.missed),
      retried: sum((s) => s.retried),
      storedByPlatform,
      cpuMsPerSnapshot: cpuMs / stored,
      mainThreadMsPerSnapshot: mainMs / stored,
      cores: cpuMs / 1000 / windowSeconds,
      starved: (last.mainThreadWaitMs - before.mainThreadWaitMs) / 1000 / windowSeconds,
      load: [loadBefore, loadavg()[0]!],
      latenessMs: measured.flatMap((s) => s.latenessMs).sort((a, b) => a - b),
      stillDue,
      peakRssBytes: final.maxRssBytes,
      fakeCpuMsPerSecond: fakeCpuMs / windowSeconds,
      fakeRequests: served,
      reads: final.reads,
      threads: shares(final.threadCpuMs),
      lateStart,
    };
  } finally {
    if (engine) await stopChild(engine);
    await stopChild(fake.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

function shares(cpuMs: Record<string, number>): Record<string, number> {
  const total = Object.values(cpuMs).reduce((sum, ms) => sum + ms, 0);
  return Object.fromEntries(
    Object.entries(cpuMs)
      .filter(([, ms]) => ms > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => [name, ms / total]),
  );
}

const threadLine = (figures: RunFigures) =>
  Object.entries(figures.threads)
    .filter(([, share]) => share >= 0.01)
    .map(([name, share]) => `${name} ${(share * 100).toFixed(0)}%`)
    .join(', ');

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}

const perSecond = (figures: RunFigures) => figures.stored / figures.seconds;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describe(figures: RunFigures): string {
  const rate = perSecond(figures);
  return [
    `${rate.toFixed(0).padStart(4)}/s stored (${(rate / RATE).toFixed(2)} × due)`,
    `lateness p50 ${seconds(percentile(figures.latenessMs, 50))} p99 ${seconds(percentile(figures.latenessMs, 99))}`,
    `missed ${figures.missed}, due at the end ${figures.stillDue}`,
    `peak RSS ${mb(figures.peakRssBytes)}`,
    `main thread waited for a CPU ${(figures.starved * 100).toFixed(0)}% of the time (load ${figures.load.map((l) => l.toFixed(1)).join('→')})`,
  ].join(', ');
}

export async function benchRealpath(report: (line: string) => void): Promise<void> {
  const videos = Math.round(RATE * INTERVAL_SECONDS);
  report(
    `The real collection path: ${videos.toLocaleString('en')} live videos due every ${INTERVAL_SECONDS} s ` +
      `(${RATE.toFixed(0)} snapshots/s, ${Math.round(RATE * 3600).toLocaleString('en')} videos an hour), the real ` +
      `collectors and scheduler in one process (SQLite file database, SCHEDULER_CONCURRENCY ${CONCURRENCY}, ` +
      `SCHEDULER_PLATFORM_CONCURRENCY ${PLATFORM_CONCURRENCY}) against fake platforms in another answering after ` +
      `${LATENCY_MS} ms + up to ${JITTER_MS} ms; the first ${WARMUP_SECONDS} s of each run are not counted`,
  );
  if (RUNS.includes('paths')) {
    report(`Each read path alone (${PATH_SECONDS} s a run; baseline: the due rate)`);
    for (const path of PATHS) {
      const figures = await run(path, [path], PATH_SECONDS);
      const { platform } = READ_PATHS[path];
      const bytes =
        Object.values(figures.fakeRequests).reduce((total, r) => total + r.bytes, 0) / figures.stored;
      const kb = bytes / 1024;
      report(
        `  ${path.padEnd(18)} ${kb.toFixed(kb < 10 ? 1 : 0).padStart(5)} KB/snapshot   ` +
          `CPU ${figures.cpuMsPerSnapshot.toFixed(2).padStart(6)} ms/snapshot (main thread ` +
          `${figures.mainThreadMsPerSnapshot.toFixed(2)})   one core: ` +
          `${(3_600_000 / figures.cpuMsPerSnapshot / 1e6).toFixed(2)} M videos/h`,
      );
      report(`    ${describe(figures)}${figures.lateStart ? ' (started late)' : ''}`);
      report(`    CPU by thread: ${threadLine(figures)}`);
      if (figures.stored === 0 || !(platform in figures.storedByPlatform))
        report(`    nothing stored: reads ${JSON.stringify(figures.reads)}`);
    }
  }
  if (RUNS.includes('mix')) {
    const figures = await run('page-mix', PAGE_MIX, MIX_SECONDS);
    const rate = perSecond(figures);
    report(
      `Page mix, a quarter each of ${PAGE_MIX.join(', ')} (${MIX_SECONDS} s; target: ${RATE.toFixed(0)}/s held, ` +
        `p99 lateness < 60 s)`,
    );
    report(`  ${describe(figures)}${figures.lateStart ? ' (started late)' : ''}`);
    report(
      `  CPU ${figures.cpuMsPerSnapshot.toFixed(2)} ms/snapshot (main thread ${figures.mainThreadMsPerSnapshot.toFixed(2)}), ` +
        `${figures.cores.toFixed(2)} cores busy; fake platforms ${(figures.fakeCpuMsPerSecond / 1000).toFixed(2)} cores; ` +
        `stored by platform ${Object.entries(figures.storedByPlatform)
          .map(([platform, count]) => `${platform} ${(count / figures.seconds).toFixed(0)}/s`)
          .join(
            ', ',
          )}; ${rate >= RATE * 0.98 && percentile(figures.latenessMs, 99) < 60_000 ? 'held' : 'NOT held'}`,
    );
    report(`  CPU by thread: ${threadLine(figures)}`);
  }
}
