// What an operator graphs: /metrics after real collections shows the histograms (slot lateness, collection
// time), the breaker and outbox gauges, build_info and the process's own metrics; database gauges come from one
// process of a fleet only; probes are not logged at info; the Grafana dashboard names only exposed metrics.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, TestClock } from '../../src/clock.ts';
import { composeService, createServiceMetrics } from '../../src/compose.ts';
import { testConfig } from '../../src/config.ts';
import { createEngine } from '../../src/scheduler/engine.ts';
import { openStore } from '../../src/store/database.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { scriptedCollector, silentLog } from '../support/engine.ts';
import { seedDueLiveVideos } from '../support/seed-due-videos.ts';
import { createTestStore, DIALECTS, TEST_POSTGRES_URL, type TestStore } from '../support/stores.ts';

const INTERVAL = 60;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Every metric name in a Prometheus text exposition (histogram series under their family's name). */
const exposedNames = (text: string) =>
  new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!));

describe.each(DIALECTS)('/metrics after collections (%s)', (dialect) => {
  let api: TestApi;
  let scrape: string;

  beforeAll(async () => {
    const clock = new TestClock();
    const tiktok = scriptedCollector('tiktok', clock);
    api = await createTestApi(dialect, {
      clock,
      config: { snapshotIntervalSeconds: INTERVAL },
      liveCollectors: { tiktok: tiktok.collector },
    });
    await seedDueLiveVideos(api.store, {
      videos: 30,
      dueAt: clock.now(),
      intervalSeconds: INTERVAL,
      durationDays: 1,
      costMicroUsd: 15_000,
      platformVideoId: (i) => String(7_300_000_000_000_000_000n + BigInt(i)),
    });
    const engine = createEngine({
      store: api.store,
      clock,
      collectorFor: api.parts.collectorFor,
      log: silentLog,
      metrics: api.parts.metrics,
      backoff: { random: () => 0.5 },
      breaker: { failureThreshold: 1, initialCooldownMs: 3_600_000, maxCooldownMs: 3_600_000 },
      soleScheduler: true,
    });
    clock.advance(2_500); // every slot recorded 2.5 s after it was due
    await engine.runDue();
    // Then TikTok blocks every request: the breaker opens.
    for (let i = 0; i < 30; i++)
      tiktok.failures.set(String(7_300_000_000_000_000_000n + BigInt(i)), {
        kind: 'blocked',
        message: 'blocked',
      });
    clock.advance(INTERVAL * 1000);
    await engine.runDue();
    // The breaker is open now: what falls due next is held back, not sent.
    clock.advance(INTERVAL * 1000);
    await engine.runDue();
    scrape = (await api.call('GET', '/metrics')).body;
  });
  afterAll(() => api.close());

  it('shows slot lateness as a histogram by platform', () => {
    expect(scrape).toContain('# TYPE contentstats_slot_lateness_seconds histogram');
    expect(scrape).toContain('contentstats_slot_lateness_seconds_bucket{platform="tiktok",le="2"} 0');
    expect(scrape).toContain('contentstats_slot_lateness_seconds_bucket{platform="tiktok",le="5"} 30');
    expect(scrape).toContain('contentstats_slot_lateness_seconds_bucket{platform="tiktok",le="+Inf"} 30');
    expect(scrape).toContain('contentstats_slot_lateness_seconds_sum{platform="tiktok"} 75');
    expect(scrape).toContain('contentstats_slot_lateness_seconds_count{platform="tiktok"} 30');
  });

  it('shows collection time as a histogram by platform and provider', () => {
    expect(scrape).toContain('# TYPE contentstats_collection_duration_seconds histogram');
    // Batches of 10: three answered by the simulator, then three that failed (all sent before the breaker,
    // opened by the first failure, could hold the others back).
    expect(scrape).toContain(
      'contentstats_collection_duration_seconds_count{platform="tiktok",provider="simulator"} 3',
    );
    expect(scrape).toContain(
      'contentstats_collection_duration_seconds_bucket{platform="tiktok",provider="simulator",le="+Inf"} 3',
    );
    expect(scrape).toContain(
      'contentstats_collection_duration_seconds_count{platform="tiktok",provider="none"} 3',
    );
  });

  it("shows each platform's circuit breaker and the slots it held back", () => {
    expect(scrape).toContain('contentstats_circuit_breaker_state{platform="tiktok"} 2');
    expect(scrape).toContain('contentstats_circuit_breaker_state{platform="youtube"} 0');
    expect(scrape).toMatch(/^contentstats_slots_held_back_total\{platform="tiktok"\} [1-9]\d*$/m);
  });

  it('shows the outbox backlog by kind, the videos monitored, build_info and the process metrics', () => {
    expect(scrape).toContain('contentstats_outbox_backlog{kind="email"} 0');
    expect(scrape).toContain('contentstats_videos_monitoring 30');
    expect(scrape).toContain(`contentstats_build_info{node="${process.version}",version="${version}"} 1`);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(scrape).toMatch(new RegExp(`^${name} \\d`, 'm'));
  });

  it('the Grafana dashboard names only metrics that /metrics exposes', () => {
    const dashboard = readFileSync(
      new URL('../../deploy/grafana/contentstats.json', import.meta.url),
      'utf8',
    );
    const expressions = [...dashboard.matchAll(/"expr": "((?:[^"\\]|\\.)*)"/g)].map((m) =>
      JSON.parse(`"${m[1]}"`),
    );
    expect(expressions.length).toBeGreaterThan(10);
    const named = new Set(
      expressions.flatMap((expr: string) =>
        [...expr.matchAll(/\b((?:contentstats|process|nodejs)_[a-z0-9_]+)/g)].map((m) =>
          m[1]!.replace(/_(bucket|sum|count)$/, ''),
        ),
      ),
    );
    const exposed = exposedNames(scrape);
    expect([...named].filter((name) => !exposed.has(name))).toEqual([]);
  });
});

describe.each(DIALECTS)('database gauges are reported once per fleet (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.destroy());

  const reports = (text: string) => /^contentstats_videos_monitoring \d+$/m.test(text);

  it(
    dialect === 'postgres'
      ? 'one process of several reports them; when it stops, another takes over'
      : 'the one process reports them',
    async () => {
      const processes = await Promise.all(
        [1, 2, 3].map(async () => {
          // Each "process" its own pool, as separate processes would have.
          const own =
            dialect === 'postgres' ? openStore(TEST_POSTGRES_URL, { pgSchema: store.pgSchema! }) : store;
          return { store: own, ...createServiceMetrics(own, systemClock) };
        }),
      );
      try {
        const first = await Promise.all(processes.map((p) => p.metrics.scrape()));
        const reporters = first.map(reports);
        if (dialect === 'sqlite') {
          expect(reporters).toEqual([true, true, true]);
          return;
        }
        expect(reporters.filter(Boolean)).toHaveLength(1);
        // Scraped again, the same one still reports: the lock is kept between scrapes.
        const again = await Promise.all(processes.map((p) => p.metrics.scrape()));
        expect(again.map(reports)).toEqual(reporters);
        const reporter = reporters.indexOf(true);
        await processes[reporter]!.close();
        const others = processes.filter((_, i) => i !== reporter);
        const after = await Promise.all(others.map((p) => p.metrics.scrape()));
        expect(after.map(reports).filter(Boolean)).toHaveLength(1);
      } finally {
        for (const p of processes) {
          await p.close();
          if (p.store !== store) await p.store.close();
        }
      }
    },
  );
});

describe('probe routes are not logged at info', () => {
  it('/livez, /readyz and /metrics leave no line; other requests do', async () => {
    const store = await createTestStore('sqlite');
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const parts = await composeService({
      store,
      config: testConfig(),
      clock: new TestClock(),
      liveCollectors: {},
      logger,
    });
    parts.context.readiness.ready = true;
    try {
      for (const url of ['/livez', '/readyz', '/metrics']) await parts.app.inject({ url });
      expect(lines).toEqual([]);
      await parts.app.inject({ url: '/api/v1/usage' });
      expect(lines.some((line) => line.includes('/api/v1/usage'))).toBe(true);
    } finally {
      await parts.app.close();
      await store.destroy();
    }
  });
});

describe('PostgreSQL connections name their role', () => {
  it('application_name is what the process asked for', async () => {
    const store = await createTestStore('postgres');
    const worker = openStore(TEST_POSTGRES_URL, {
      pgSchema: store.pgSchema!,
      applicationName: 'contentstats-worker',
    });
    try {
      const { rows } = await sql<{ application_name: string }>`
        select application_name from pg_stat_activity where pid = pg_backend_pid()`.execute(worker.db);
      expect(rows).toEqual([{ application_name: 'contentstats-worker' }]);
    } finally {
      await worker.close();
      await store.destroy();
    }
  });
});
