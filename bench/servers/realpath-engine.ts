// The process measured by the real-path benchmark: what `contentstats serve` runs beside its API, built the same
// way from the configuration in the environment (DATABASE_URL, CONTENTSTATS_UPSTREAMS, the scheduler's
// concurrency, API keys): the migrated store with background checkpoints, the HTTP client, the live collectors
// counting their source reads, the service metrics, and the background work (engine, outbox, webhooks, source
// health) started as serve starts it. Every second it sends the parent a sample: its CPU time (the process, and
// the main thread alone), RSS, and what the scheduler recorded since the last sample. On `stop` it
// stops as serve does and sends its peak RSS.
import { readdirSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { startBackgroundWork } from '../../src/cli/background.ts';
import { systemClock } from '../../src/clock.ts';
import { createServiceMetrics, routeCollectors } from '../../src/compose.ts';
import { loadConfig } from '../../src/config.ts';
import { createAttemptRecorder } from '../../src/health/attempt-recorder.ts';
import { createHttpClient } from '../../src/http/client.ts';
import type { Metrics } from '../../src/observability/metrics.ts';
import { createLiveCollectors } from '../../src/platforms/live-collectors.ts';
import type { RecordAttempt } from '../../src/platforms/source-attempts.ts';
import type { RunSummary } from '../../src/scheduler/engine.ts';
import { openStore } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';

export interface EngineSample {
  at: number;
  /** Microseconds of CPU, all threads of the process. */
  cpuMicros: number;
  /** Milliseconds of CPU of the main (JavaScript) thread, from /proc (10 ms resolution). */
  mainThreadCpuMs: number;
  /** Milliseconds the main thread was ready to run but waited for a CPU (other processes had them). */
  mainThreadWaitMs: number;
  rssBytes: number;
  /** Since the last sample. */
  stored: number;
  missed: number;
  retried: number;
  latenessMs: number[];
  storedByPlatform: Record<string, number>;
}

export interface EngineFinal {
  maxRssBytes: number;
  /** CPU ms of the process's threads since it started, by thread name (the main thread is `main`). */
  threadCpuMs: Record<string, number>;
  /** Every source read since the start, by `source outcome`. */
  reads: Record<string, number>;
}

const config = loadConfig(process.env);
if (!config.ok) throw new Error(config.error.problems.join('; '));
const store = openStore(config.value.databaseUrl, { backgroundCheckpoints: true });
const migrated = await migrateToLatest(store);
if (!migrated.ok) throw new Error(migrated.error.message);

const http = createHttpClient({ upstreams: config.value.upstreams, proxyUrls: config.value.proxyUrls });
const attempts = createAttemptRecorder({ store, clock: systemClock });
const reads = new Map<string, number>();
const recordAttempt: RecordAttempt = (platform, source, outcome) => {
  attempts.recordAttempt(platform, source, outcome);
  const key = `${source} ${outcome}`;
  reads.set(key, (reads.get(key) ?? 0) + 1);
};
const collectorFor = routeCollectors(
  systemClock,
  createLiveCollectors(config.value, http, { recordAttempt, now: systemClock.now }),
);
const { metrics, close: closeMetrics } = createServiceMetrics(store, systemClock);

let since = {
  stored: 0,
  missed: 0,
  retried: 0,
  latenessMs: [] as number[],
  storedByPlatform: {} as Record<string, number>,
};
// The engine reports each recorded batch to its metrics as it records it (a pass's summary only comes at the
// end of the pass, which can be long when the process falls behind): the samples are read from there.
const watchedMetrics: Metrics = {
  increment(name, labels, by = 1) {
    metrics.increment(name, labels, by);
    if (name === 'contentstats_snapshots_recorded_total') {
      since.stored += by;
      const platform = labels?.['platform'] ?? '?';
      since.storedByPlatform[platform] = (since.storedByPlatform[platform] ?? 0) + by;
    } else if (name === 'contentstats_snapshots_missed_total') since.missed += by;
  },
  observe(name, value, labels) {
    metrics.observe(name, value, labels);
    if (name === 'contentstats_slot_lateness_seconds') since.latenessMs.push(value * 1000);
  },
  pairCounter: (name, labelNames) => metrics.pairCounter(name, labelNames),
  set: (name, value, labels) => metrics.set(name, value, labels),
  reset: (name) => metrics.reset(name),
  render: () => metrics.render(),
  onScrape: (refresh) => metrics.onScrape(refresh),
  scrape: () => metrics.scrape(),
};
const onPass = (summary: RunSummary) => {
  since.retried += summary.fates.retry;
};
const background = await startBackgroundWork({
  store,
  config: config.value,
  logger: pino({ level: config.value.logLevel }),
  collectorFor,
  attempts,
  metrics: watchedMetrics,
  scheduler: true,
  soleScheduler: true,
  onPass,
});

const mainThreadStat = `/proc/${process.pid}/task/${process.pid}/stat`;
const mainThreadSchedStat = `/proc/${process.pid}/task/${process.pid}/schedstat`;
/** The scheduler's count of the main thread's time waiting on a run queue, in ms. */
function mainThreadWaitMs(): number {
  return Number(readFileSync(mainThreadSchedStat, 'utf8').split(' ')[1]) / 1e6;
}
/** utime + stime of the main thread, in ms (the kernel counts in ticks of 10 ms). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(mainThreadStat, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU ms of every thread of the process, summed by thread name (impit's runtime, libuv's pool, V8's GC…). */
function threadCpuMs(): Record<string, number> {
  const byName: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      const name =
        tid === String(process.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName[name] = (byName[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return byName;
}

const sampler = setInterval(() => {
  const { user, system } = process.cpuUsage();
  const sample: EngineSample = {
    at: Date.now(),
    cpuMicros: user + system,
    mainThreadCpuMs: mainThreadCpuMs(),
    mainThreadWaitMs: mainThreadWaitMs(),
    rssBytes: process.memoryUsage.rss(),
    ...since,
  };
  since = { stored: 0, missed: 0, retried: 0, latenessMs: [], storedByPlatform: {} };
  process.send?.({ sample });
}, 1_000);

process.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(sampler);
  void (async () => {
    await background.stop();
    await closeMetrics();
    await http.close();
    await store.close();
    const final: EngineFinal = {
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      threadCpuMs: threadCpuMs(),
      reads: Object.fromEntries(reads),
    };
    process.send?.({ final }, () => process.exit(0));
  })();
});
process.send?.({ ready: true });
