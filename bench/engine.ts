// The engine benchmarks (docs/benchmarks.md): recording rate of 100,000 slots due at once (simulator, live
// mode with charges) next to a bare better-sqlite3 transaction per row; slot lateness; and the scheduler's
// peak RSS holding 1,000,000 tracked videos next to 1,000.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock } from '../src/clock.ts';
import { createSimulatorCollector } from '../src/platforms/simulator/simulator.ts';
import { createEngine } from '../src/scheduler/engine.ts';
import { openStore } from '../src/store/database.ts';
import { ledgerTotals } from '../src/store/ledger.ts';
import { startChild, stopChild } from './child.ts';
import { seedVideos } from './seed.ts';

const RECORD_VIDEOS = Number(process.env.BENCH_RECORD_VIDEOS ?? 100_000);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Baseline: what SQLite itself does with one small transaction per inserted row. */
function bareTransactionsPerSecond(path: string, rows: number): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'create table t (id text primary key, video_id text, slot integer, taken_at integer, views integer, likes integer, unique(video_id, slot))',
  );
  const insert = db.prepare('insert into t values (?, ?, ?, ?, ?, ?)');
  const perRow = db.transaction((i: number) => insert.run(`s${i}`, `v${i}`, 1, Date.now(), i, i));
  const start = performance.now();
  for (let i = 0; i < rows; i++) perRow(i);
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return rows / seconds;
}

async function recordingRate(report: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-engine-'));
  try {
    const baseline = bareTransactionsPerSecond(join(dir, 'baseline.db'), RECORD_VIDEOS);
    const path = join(dir, 'engine.db');
    const dueAt = Date.now() + 60_000;
    const { accountId } = await seedVideos({
      path,
      videos: RECORD_VIDEOS,
      due: RECORD_VIDEOS,
      dueAt,
      mode: 'live',
    });
    // As `contentstats serve` opens it: the log checkpointed on its own thread.
    const store = openStore(`sqlite:${path}`, { backgroundCheckpoints: true });
    const simulator = createSimulatorCollector('tiktok', systemClock);
    // The clock starts exactly when the slots fall due, so lateness is measured from that moment.
    const offset = dueAt - Date.now();
    const clock = { now: () => Date.now() + offset };
    const engine = createEngine({
      store,
      clock,
      collectorFor: () => simulator,
      log: silent,
      concurrency: 8,
      leaseBatch: 2000,
      soleScheduler: true,
    });
    const start = performance.now();
    const summary = await engine.runDue();
    const seconds = (performance.now() - start) / 1000;
    const stored = summary.fates.stored;
    const totals = await ledgerTotals(store, accountId);
    await store.close();
    if (stored !== RECORD_VIDEOS || totals.charges !== RECORD_VIDEOS) {
      throw new Error(
        `expected ${RECORD_VIDEOS} stored and charged, got ${stored} stored, ${totals.charges} charges`,
      );
    }
    const rate = stored / seconds;
    report(
      `Recording ${RECORD_VIDEOS.toLocaleString('en')} due slots (simulator, live mode: snapshot + charge + advance)`,
    );
    report(`  bare SQLite transaction per row   ${baseline.toFixed(0).padStart(8)} rows/s   baseline`);
    report(
      `  engine collect + record           ${rate.toFixed(0).padStart(8)} snapshots/s   ${(rate / baseline).toFixed(2)} × baseline (target ≥ 20,000/s)  in ${seconds.toFixed(2)} s`,
    );
    report(
      `  slot lateness                     p50 ${(percentile(summary.latenessMs, 50) / 1000).toFixed(2)} s, p99 ${(percentile(summary.latenessMs, 99) / 1000).toFixed(2)} s (target p99 < 5 s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function schedulerMemory(report: (line: string) => void): Promise<void> {
  const script = new URL('./servers/scheduler-rss.ts', import.meta.url).pathname;
  const results: Array<[number, number]> = [];
  for (const videos of [1_000, 1_000_000]) {
    const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-rss-'));
    try {
      const path = join(dir, 'rss.db');
      // 1% of them due at once, the rest waiting: the scheduler must not hold the waiting ones.
      await seedVideos({ path, videos, due: Math.max(10, videos / 100), dueAt: Date.now(), mode: 'test' });
      const { child, ready } = await startChild<{ maxRssBytes: number; stored: number }>(script, {
        BENCH_DB: path,
      });
      await stopChild(child);
      results.push([videos, ready.maxRssBytes]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const [[, small], [, large]] = results as [[number, number], [number, number]];
  report('Scheduler peak RSS (process running the engine over the database; 1% of videos due)');
  report(`  1,000 tracked videos              ${(small / 2 ** 20).toFixed(0).padStart(6)} MB   baseline`);
  report(
    `  1,000,000 tracked videos          ${(large / 2 ** 20).toFixed(0).padStart(6)} MB   ${(large / small).toFixed(2)} × baseline (target < 300 MB)`,
  );
}

export async function benchEngine(report: (line: string) => void): Promise<void> {
  await recordingRate(report);
  await schedulerMemory(report);
}
