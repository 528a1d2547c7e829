// The webhook benchmarks (docs/benchmarks.md): deliveries per second to a fast local receiver through the
// delivery worker (claim, sign, POST through the HTTP client, record) next to a bare loop of the same POSTs
// at the same concurrency; and the engine's recording rate with one endpoint subscribed to snapshot.created
// next to none (every stored snapshot then also writes an event and a delivery in its transaction).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { systemClock } from '../src/clock.ts';
import { createHttpClient } from '../src/http/client.ts';
import { createSimulatorCollector } from '../src/platforms/simulator/simulator.ts';
import { createEngine } from '../src/scheduler/engine.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { writeTransaction } from '../src/store/transaction.ts';
import { insertWebhookEndpoint } from '../src/store/webhooks.ts';
import { createDeliveryWorker, WEBHOOK_USER_AGENT } from '../src/webhooks/delivery-worker.ts';
import { expandPendingSnapshots } from '../src/webhooks/expand-pending-snapshots.ts';
import { newWebhookSecret, signatureHeader } from '../src/webhooks/signing.ts';
import { eventBody, Subscriptions, writeEvents } from '../src/webhooks/write-events.ts';
import { seedVideos } from './seed.ts';

const DELIVERIES = Number(process.env.BENCH_WEBHOOK_DELIVERIES ?? 5_000);
const RECORD_VIDEOS = Number(process.env.BENCH_RECORD_VIDEOS ?? 100_000);
const PER_ENDPOINT = 8;
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 2);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const HOOKS = 'https://hooks.bench.test';

async function startFastReceiver() {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' }).end('{}');
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Baseline: the same signed POSTs with undici at the same concurrency, nothing read from or written to a database. */
async function barePostsPerSecond(origin: string, body: string, count: number): Promise<number> {
  const agent = new Agent();
  const secret = newWebhookSecret();
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: PER_ENDPOINT }, async () => {
      while (next < count) {
        const id = `evt_${next++}`;
        const timestamp = Math.floor(Date.now() / 1000);
        const response = await request(`${origin}/hook`, {
          method: 'POST',
          dispatcher: agent,
          headers: {
            'content-type': 'application/json',
            'user-agent': WEBHOOK_USER_AGENT,
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signatureHeader([secret], id, timestamp, body),
          },
          body,
        });
        await response.body.text();
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await agent.close();
  return count / seconds;
}

async function subscribe(
  store: Store,
  accountId: string,
  mode: 'live' | 'test',
  url: string,
): Promise<string> {
  const id = `wh_bench_${mode}`;
  await insertWebhookEndpoint(store, {
    id,
    account_id: accountId,
    mode,
    url,
    description: null,
    events: JSON.stringify(['snapshot.created', 'webhook.test']),
    disabled: 0,
    disabled_reason: null,
    secret: newWebhookSecret(),
    previous_secret: null,
    previous_secret_expires_at: null,
    failing_since: null,
    created_at: Date.now(),
    updated_at: Date.now(),
  });
  return id;
}

async function deliveryRate(report: (line: string) => void): Promise<void> {
  const receiver = await startFastReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-webhooks-'));
  const store = openStore(`sqlite:${join(dir, 'webhooks.db')}`, { backgroundCheckpoints: true });
  const http = createHttpClient({
    upstreams: { [HOOKS]: receiver.origin },
    ownHeadersOnly: true,
    userAgent: WEBHOOK_USER_AGENT,
  });
  try {
    const migrated = await migrateToLatest(store);
    if (!migrated.ok) throw new Error(migrated.error.message);
    await store.db
      .insertInto('accounts')
      .values({
        id: 'acc_bench',
        email: 'bench@example.com',
        plan: 'enterprise',
        rate_limit_per_minute: null,
        max_active_videos: null,
        disabled: 0,
        balance_micro_usd: 0,
        reserved_micro_usd: 0,
        created_at: Date.now(),
      })
      .execute();
    const endpointId = await subscribe(store, 'acc_bench', 'test', `${HOOKS}/hook`);
    // A snapshot.created-sized body (a video and its snapshot, about 1 KB).
    const data = { filler: 'x'.repeat(900) };
    const subscriptions = new Subscriptions([
      { id: endpointId, account_id: 'acc_bench', mode: 'test', events: '["webhook.test"]' },
    ]);
    for (let written = 0; written < DELIVERIES; written += 500) {
      await writeTransaction(store, (tx) =>
        writeEvents(
          tx,
          subscriptions,
          Array.from({ length: Math.min(500, DELIVERIES - written) }, () => ({
            accountId: 'acc_bench',
            mode: 'test' as const,
            type: 'webhook.test' as const,
            at: Date.now(),
            data,
          })),
        ),
      );
    }
    // Warm both paths' code and connections first, so neither pays for it in the measured run.
    await barePostsPerSecond(receiver.origin, eventBody('evt_w', 'webhook.test', Date.now(), data), 500);
    const baseline = await barePostsPerSecond(
      receiver.origin,
      eventBody('evt_x', 'webhook.test', Date.now(), data),
      DELIVERIES,
    );
    const before = receiver.received();
    const worker = createDeliveryWorker({
      store,
      clock: systemClock,
      http,
      log: silent,
      allowPrivateTargets: false,
      maxInFlightPerEndpoint: PER_ENDPOINT,
    });
    const start = performance.now();
    const summary = await worker.runOnce();
    const seconds = (performance.now() - start) / 1000;
    if (summary.delivered !== DELIVERIES || receiver.received() - before !== DELIVERIES) {
      throw new Error(`expected ${DELIVERIES} deliveries, got ${JSON.stringify(summary)}`);
    }
    const rate = DELIVERIES / seconds;
    report(
      `Webhook deliveries to a fast local receiver (${DELIVERIES.toLocaleString('en')}, ${PER_ENDPOINT} at a time, keep-alive)`,
    );
    report(`  bare undici POST loop             ${baseline.toFixed(0).padStart(8)} POSTs/s   baseline`);
    report(
      `  delivery worker (claim, sign, POST, record)  ${rate.toFixed(0).padStart(8)} deliveries/s   ${(rate / baseline).toFixed(2)} × baseline (target ≥ 0.5)`,
    );
  } finally {
    await http.close();
    await store.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The engine's recording rate over `RECORD_VIDEOS` due slots, with or without a snapshot.created subscriber. */
async function recordingRate(
  subscribed: boolean,
): Promise<{ subscribed: boolean; rate: number; events: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-webhooks-engine-'));
  try {
    const path = join(dir, 'engine.db');
    const dueAt = Date.now() + 60_000;
    const { accountId } = await seedVideos({
      path,
      videos: RECORD_VIDEOS,
      due: RECORD_VIDEOS,
      dueAt,
      mode: 'live',
    });
    const store = openStore(`sqlite:${path}`, { backgroundCheckpoints: true });
    if (subscribed) await subscribe(store, accountId, 'live', `${HOOKS}/hook`);
    const simulator = createSimulatorCollector('tiktok', systemClock);
    const offset = dueAt - Date.now();
    const engine = createEngine({
      store,
      clock: { now: () => Date.now() + offset },
      collectorFor: () => simulator,
      log: silent,
      concurrency: 8,
      leaseBatch: 2000,
      soleScheduler: true,
    });
    const start = performance.now();
    const summary = await engine.runDue();
    const seconds = (performance.now() - start) / 1000;
    // Outside the measured time: what the delivery workers do with the recorded batches.
    await expandPendingSnapshots(store, 1_000_000);
    const events = await store.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await store.close();
    if (summary.fates.stored !== RECORD_VIDEOS) throw new Error(`stored ${summary.fates.stored}`);
    return { subscribed, rate: RECORD_VIDEOS / seconds, events: Number(events.n) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchWebhooks(report: (line: string) => void): Promise<void> {
  await deliveryRate(report);
  // Alternated and the best of each kept: on a shared machine one run alone says more about its neighbours.
  const runs: Awaited<ReturnType<typeof recordingRate>>[] = [];
  for (let round = 0; round < ROUNDS; round++)
    runs.push(await recordingRate(false), await recordingRate(true));
  const best = (subscribed: boolean) =>
    runs.filter((r) => r.subscribed === subscribed).reduce((a, b) => (b.rate > a.rate ? b : a));
  const none = best(false);
  const one = best(true);
  if (none.events !== 0 || one.events !== RECORD_VIDEOS) {
    throw new Error(
      `expected 0 and ${RECORD_VIDEOS} deliveries written, got ${none.events} and ${one.events}`,
    );
  }
  report(
    `Engine recording ${RECORD_VIDEOS.toLocaleString('en')} due slots (simulator, live mode), best of ${ROUNDS} alternated runs`,
  );
  report(`  no endpoint                       ${none.rate.toFixed(0).padStart(8)} snapshots/s   baseline`);
  report(
    `  one snapshot.created endpoint     ${one.rate.toFixed(0).padStart(8)} snapshots/s   ${(one.rate / none.rate).toFixed(2)} × baseline (target ≥ 0.8), ${one.events.toLocaleString('en')} events written`,
  );
}
