// The export benchmark (docs/benchmarks.md): 1,000,000 snapshot rows exported as CSV through HTTP from the real
// service on SQLite, read by a client in this process as fast as it can. Reports rows/s and the server's peak
// RSS, next to the peak of a server that exported a tenth as many rows: memory does not grow with the export.

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createAccount } from '../src/accounts/accounts.ts';
import { openStore } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { startChild, stopChild } from './child.ts';

const VIDEOS = Number(process.env.BENCH_EXPORT_VIDEOS ?? 1_389);
const SLOTS = 720;
const HOUR = 3_600_000;
const START = Date.parse('2024-01-01T00:00:00.000Z');
const MB = 1024 * 1024;

async function seed(path: string): Promise<string> {
  const store = openStore(`sqlite:${path}`);
  const migrated = await migrateToLatest(store);
  if (!migrated.ok) throw new Error(migrated.error.message);
  const created = await createAccount(store, {
    email: 'bench@example.com',
    plan: 'enterprise',
    creditMicroUsd: 0,
    now: START,
  });
  if (!created.ok) throw new Error('account');
  await store.close();
  const accountId = created.value.account.id;
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insertVideo =
    db.prepare(`insert into videos (id, video_key, job_id, account_id, mode, platform, platform_video_id,
    video_link, canonical_url, title, creator, description, status, is_deleted, error_reason, duration_days,
    interval_seconds, total_slots, cost_per_snapshot_micro_usd, reserved_micro_usd, next_slot, next_due_at, attempts,
    snapshots_collected, snapshots_missed, created_at, last_updated_at, ended_at, tags)
    values (?, ?, ?, ?, 'test', 'tiktok', ?, ?, ?, ?, ?, null, 'completed', 0, null, 30, 3600, ?, 0, 0, ?, null, 0, ?, 0,
      ?, ?, ?, ?)`);
  const insertSnapshot =
    db.prepare(`insert into snapshots (video_key, slot, taken_at, views, likes, comments, shares, saves, source,
    charged_micro_usd, ledger_entry_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, null)`);
  db.prepare(`insert into snapshot_sources (code, provider, approximate) values (1, 'simulator', 0)`).run();
  db.transaction(() => {
    for (let v = 0; v < VIDEOS; v++) {
      const id = `vid_bench${String(v).padStart(10, '0')}`;
      const platformId = `73${String(v).padStart(16, '0')}7`;
      const link = `https://www.tiktok.com/@creator${v % 50}/video/${platformId}`;
      insertVideo.run(
        id,
        v + 1,
        `job_bench${v}`,
        accountId,
        platformId,
        link,
        link,
        `Campaign post #${v}, "launch" week`,
        `creator${v % 50}`,
        SLOTS,
        SLOTS,
        SLOTS,
        START + v,
        START + SLOTS * HOUR,
        START + SLOTS * HOUR,
        JSON.stringify(['Spring Launch']),
      );
      for (let slot = 0; slot < SLOTS; slot++) {
        const views = 10_000 + slot * (100 + (v % 37));
        insertSnapshot.run(
          v + 1,
          slot,
          START + v + slot * HOUR,
          views,
          Math.floor(views / 20),
          Math.floor(views / 400),
          Math.floor(views / 900),
          Math.floor(views / 300),
          1,
        );
      }
    }
  })();
  db.close();
  return created.value.testKey.key;
}

/** GETs the URL and counts the lines of the body without keeping it. */
function download(url: string, key: string): Promise<{ lines: number; bytes: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'x-api-key': key } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`));
      let lines = 0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on('end', () => resolve({ lines, bytes, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function exportOnce(path: string, key: string, query: string) {
  const server = new URL('./servers/export-api.ts', import.meta.url).pathname;
  const { child, ready } = await startChild<{ port: number }>(server, { BENCH_DB: path });
  const rss = () =>
    new Promise<{ rssBytes: number; maxRssBytes: number }>((resolve) => {
      child.once('message', (m) => resolve(m as { rssBytes: number; maxRssBytes: number }));
      child.send('rss');
    });
  try {
    const before = await rss();
    const result = await download(`http://127.0.0.1:${ready.port}/api/v1/exports/snapshots${query}`, key);
    const after = await rss();
    return { ...result, rows: result.lines - 1, startRss: before.rssBytes, peakRss: after.maxRssBytes };
  } finally {
    await stopChild(child);
  }
}

export async function benchExport(report: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-export-'));
  try {
    const path = join(dir, 'export.db');
    const seeded = performance.now();
    const key = await seed(path);
    report(
      `Export (${VIDEOS} videos × ${SLOTS} snapshots = ${VIDEOS * SLOTS} rows, SQLite; seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s)`,
    );
    const tenth = await exportOnce(path, key, `?until=${new Date(START + 72 * HOUR).toISOString()}`);
    const whole = await exportOnce(path, key, '');
    for (const [label, r] of [
      ['72 h of each video', tenth],
      ['every snapshot', whole],
    ] as const) {
      report(
        `  CSV, ${label.padEnd(20)}${String(r.rows).padStart(9)} rows ${(r.bytes / MB).toFixed(0).padStart(5)} MB in ${(r.ms / 1000).toFixed(1)} s:` +
          ` ${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en-US')} rows/s;` +
          ` server RSS ${(r.startRss / MB).toFixed(0)} MB at start, peak ${(r.peakRss / MB).toFixed(0)} MB`,
      );
    }
    if (whole.rows !== VIDEOS * SLOTS)
      throw new Error(`exported ${whole.rows} rows, expected ${VIDEOS * SLOTS}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
