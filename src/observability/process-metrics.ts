// The process's own metrics under the names Prometheus client libraries use (prom-client's defaults, so stock
// Node.js dashboards work): CPU, memory, heap, open files, event-loop delay, start time. Read at each scrape;
// nothing runs between scrapes but Node's own event-loop delay sampler.
import { readdirSync } from 'node:fs';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const startTimeSeconds = Math.round(Date.now() / 1000 - process.uptime());

function openFileDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined; // not Linux
  }
}

/** One sampler per process, however many registries render it (tests compose many services in one process). */
let sharedLoopDelay: IntervalHistogram | undefined;

/** Starts the event-loop delay sampler (once); the returned function renders every process metric. */
export function processMetrics(): () => string {
  if (!sharedLoopDelay) {
    sharedLoopDelay = monitorEventLoopDelay({ resolution: 20 });
    sharedLoopDelay.enable();
  }
  const loopDelay = sharedLoopDelay;
  const line = (name: string, type: 'gauge' | 'counter', help: string, value: number, labels = '') =>
    `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name}${labels} ${value}\n`;
  return () => {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const fds = openFileDescriptors();
    const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
    const text = [
      line('process_cpu_user_seconds_total', 'counter', 'User CPU time spent in seconds', cpu.user / 1e6),
      line(
        'process_cpu_system_seconds_total',
        'counter',
        'System CPU time spent in seconds',
        cpu.system / 1e6,
      ),
      line('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes', memory.rss),
      line(
        'process_start_time_seconds',
        'gauge',
        'Start time of the process since unix epoch in seconds',
        startTimeSeconds,
      ),
      fds === undefined ? '' : line('process_open_fds', 'gauge', 'Number of open file descriptors', fds),
      line(
        'nodejs_heap_size_total_bytes',
        'gauge',
        'Process heap size from Node.js in bytes',
        memory.heapTotal,
      ),
      line(
        'nodejs_heap_size_used_bytes',
        'gauge',
        'Process heap size used from Node.js in bytes',
        memory.heapUsed,
      ),
      line('nodejs_external_memory_bytes', 'gauge', 'Node.js external memory size in bytes', memory.external),
      line(
        'nodejs_active_resources_total',
        'gauge',
        'Number of active resources keeping the event loop alive',
        process.getActiveResourcesInfo().length,
      ),
      line(
        'nodejs_eventloop_lag_p50_seconds',
        'gauge',
        'The 50th percentile of the recorded event loop delays',
        seconds(loopDelay.percentile(50)),
      ),
      line(
        'nodejs_eventloop_lag_p99_seconds',
        'gauge',
        'The 99th percentile of the recorded event loop delays',
        seconds(loopDelay.percentile(99)),
      ),
      line(
        'nodejs_eventloop_lag_max_seconds',
        'gauge',
        'The maximum recorded event loop delay',
        seconds(loopDelay.max),
      ),
      line('nodejs_version_info', 'gauge', 'Node.js version info', 1, `{version="${process.version}"}`),
    ].join('');
    // Each scrape reports the delays since the one before.
    loopDelay.reset();
    return text;
  };
}
