// A collected result that cannot be recorded is retried later (its lease expires), but never silently: the
// failure is logged and counted, for the batch and for each result recorded alone.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createMetrics, type Metrics, SERVICE_METRICS } from '../../src/observability/metrics.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { createTestEngine, scriptedCollector } from '../support/engine.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

const HOUR = 3_600_000;
const LEASE = 5 * 60_000;

describe.each(DIALECTS)('a failure to record collected results (%s)', (dialect) => {
  let api: TestApi;
  let clock: TestClock;
  let metrics: Metrics;
  let logged: Array<{ level: string; fields: Record<string, unknown>; message: string | undefined }>;
  let account: { id: string; liveKey: string };

  beforeEach(async () => {
    clock = new TestClock(Date.parse('2024-01-29T10:00:00.000Z'));
    const script = scriptedCollector('tiktok', clock);
    api = await createTestApi(dialect, { clock, liveCollectors: { tiktok: script.collector } });
    account = await api.createAccount({ creditUsd: 10 });
    metrics = createMetrics(SERVICE_METRICS);
    logged = [];
  });
  afterEach(() => api.close());

  const log = {
    info: () => undefined,
    warn: (fields: object, message?: string) =>
      logged.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
    error: (fields: object, message?: string) =>
      logged.push({ level: 'error', fields: fields as Record<string, unknown>, message }),
  };

  const track = async (videoId: string) => {
    const response = await api.call('POST', '/api/v1/videos/track', {
      key: account.liveKey,
      body: { video_link: `https://www.tiktok.com/@u/video/${videoId}`, duration_days: 1 },
    });
    expect(response.statusCode).toBe(201);
  };

  it('is logged and counted for the batch and for each result, charges nothing, and is collected again', async () => {
    await track('7301234567890123456');
    await track('7301234567890123457');
    const engine = createTestEngine(api, { log, metrics });
    clock.advance(HOUR);
    // A real database error in the middle of recording: the snapshots table is not there.
    await sql`alter table snapshots rename to snapshots_away`.execute(api.store.db);
    try {
      const failed = await engine.runDue();
      expect(failed.fates).toMatchObject({ stored: 0, skipped: 2 });
    } finally {
      await sql`alter table snapshots_away rename to snapshots`.execute(api.store.db);
    }

    const rendered = metrics.render();
    expect(rendered).toContain('contentstats_record_failures_total{stage="batch"} 1');
    expect(rendered).toContain('contentstats_record_failures_total{stage="result"} 2');
    expect(logged.map(({ level, message }) => ({ level, message }))).toEqual([
      { level: 'warn', message: 'recording a batch failed; recording each of its results alone' },
      {
        level: 'error',
        message:
          'recording a collected result failed; the slot will be collected again when its lease expires',
      },
      {
        level: 'error',
        message:
          'recording a collected result failed; the slot will be collected again when its lease expires',
      },
    ]);
    expect(logged[0]!.fields).toMatchObject({ results: 2, err: expect.any(Error) });
    expect(logged[1]!.fields).toMatchObject({ slot: 1, err: expect.any(Error) });
    await expectInvariants(api.store, account.id);
    const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    // Only the two slot-0 snapshots of the tracks, at $0.015 each.
    expect(usage).toMatchObject({ total_snapshots: 2, total_charged_usd: 0.03 });

    // Once the lease expires the slot is collected and recorded after all.
    clock.advance(LEASE);
    expect((await engine.runDue()).fates.stored).toBe(2);
    await expectInvariants(api.store, account.id);
  });
});
