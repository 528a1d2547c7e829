// The real `contentstats worker` process, as compose.yaml runs it: it answers its container's health check
// (/readyz on PORT) once collecting, serves /metrics to Prometheus, names its PostgreSQL connections, and stops
// cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENTSTATS_BIN, childEnv, freePort } from '../support/processes.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

describe.each(DIALECTS)('contentstats worker (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.destroy());

  it('is ready on PORT, serves its metrics, names its connections and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CONTENTSTATS_BIN, 'worker'], {
      env: childEnv(store, { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const get = (path: string) =>
        fetch(`http://127.0.0.1:${port}${path}`).then(
          async (r) => ({ status: r.status, body: await r.text() }),
          () => ({ status: 0, body: '' }),
        );
      await expect
        .poll(async () => (await get('/readyz')).status, { timeout: 30_000, interval: 100 })
        .toBe(200);
      expect(output).toContain(`contentstats worker collecting (database ${dialect}`);
      const metrics = await get('/metrics');
      expect(metrics.body).toMatch(/^contentstats_build_info\{node="v[\d.]+",version="[^"]+"\} 1$/m);
      expect(metrics.body).toContain('contentstats_circuit_breaker_state{platform="tiktok"} 0');
      expect(metrics.body).toMatch(/^process_resident_memory_bytes \d+$/m);
      if (dialect === 'postgres') {
        const { rows } = await sql<{ application_name: string }>`
          select distinct application_name from pg_stat_activity
          where application_name like 'contentstats-%' and datname = current_database()`.execute(store.db);
        expect(rows.map((r) => r.application_name)).toContain('contentstats-worker');
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('stopped cleanly');
  }, 60_000);
});
