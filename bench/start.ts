// The start benchmark (docs/benchmarks.md): time from spawning `contentstats serve` to its first /readyz 200,
// and its resident memory once idle, for the compiled code (`npm start`, bin/contentstats.js → dist/) and for
// the sources compiled at start by tsx (how every process started before the build step), next to a bare
// Fastify process answering /readyz started the same way (plain node, no loader).
//
// Each round starts the three one after the other, each on a port the kernel says is free (a fixed range
// could hold the source port of some client's connection), against one SQLite database migrated
// before the first round (so no round pays for migrations); the report is the median over the rounds.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/processes.ts';

const ROUNDS = Number(process.env.BENCH_START_ROUNDS ?? 7);
/** How long a started process is left alone before its RSS is read (the scheduler's first passes run). */
const IDLE_MS = Number(process.env.BENCH_START_IDLE_MS ?? 3000);

const root = fileURLToPath(new URL('../', import.meta.url));
const VARIANTS = {
  compiled: [join(root, 'bin', 'contentstats.js'), 'serve'],
  tsx: ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'serve'],
  bare: [join(root, 'bench', 'servers', 'bare-fastify.js')],
} as const;
type Variant = keyof typeof VARIANTS;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN) / 1024;
}

async function startOnce(
  variant: Variant,
  env: NodeJS.ProcessEnv,
): Promise<{ readyMs: number; rssMb: number }> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, VARIANTS[variant], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${variant} exited with ${child.exitCode} before ready`);
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const readyMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return { readyMs, rssMb: rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function benchStart(report: (line: string) => void): Promise<void> {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-if-stale.js')], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-start-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: `sqlite:${join(dir, 'start.db')}`,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  try {
    execFileSync(process.execPath, [VARIANTS.compiled[0], 'migrate'], { env, stdio: 'ignore' });
    const figures: Record<Variant, { readyMs: number[]; rssMb: number[] }> = {
      compiled: { readyMs: [], rssMb: [] },
      tsx: { readyMs: [], rssMb: [] },
      bare: { readyMs: [], rssMb: [] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of Object.keys(VARIANTS) as Variant[]) {
        const once = await startOnce(variant, env);
        figures[variant].readyMs.push(once.readyMs);
        figures[variant].rssMb.push(once.rssMb);
      }
    }
    report(
      `start (spawn → first /readyz 200, RSS after ${IDLE_MS / 1000} s idle; embedded serve on SQLite; median of ${ROUNDS} rounds)`,
    );
    const bare = figures.bare;
    const labels: Record<Variant, string> = {
      compiled: 'compiled (npm start)',
      tsx: 'sources through tsx (before the build)',
      bare: 'bare Fastify, plain node',
    };
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const { readyMs, rssMb } = figures[variant];
      report(
        `  ${labels[variant].padEnd(40)}${median(readyMs).toFixed(0).padStart(6)} ms (${(median(readyMs) / median(bare.readyMs)).toFixed(2)} × bare, ` +
          `rounds ${Math.min(...readyMs).toFixed(0)}–${Math.max(...readyMs).toFixed(0)})` +
          `${median(rssMb).toFixed(0).padStart(6)} MB RSS (${(median(rssMb) / median(bare.rssMb)).toFixed(2)} × bare)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
