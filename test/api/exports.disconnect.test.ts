// An export reads its rows a page at a time as the client takes them: a client that stops reading holds the
// export where it is, and one that goes away stops it — no further page is read.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import type { ServiceParts } from '../../src/compose.ts';
import { testConfig } from '../../src/config.ts';
import type { SqliteStatements } from '../../src/store/database.ts';
import { ADMIN_TOKEN, readyService } from '../support/api.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

const START = Date.parse('2024-01-29T10:00:00.000Z');
const VIDEOS = 150;
const SLOTS = 720;
/** The snapshot page query of an export (store/exports.ts): one video's snapshots after a slot. */
const SNAPSHOT_PAGE =
  /where "s"\."video_key" = (\?|\$\d+) and "s"\."slot" > (\?|\$\d+) and "s"\."source" is not null/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `read()` has not changed for `quietMs` (at most `maxMs`), and answers its value. */
async function settled(read: () => number, quietMs = 400, maxMs = 5_000): Promise<number> {
  const started = Date.now();
  let value = read();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() - started < maxMs) {
    await sleep(50);
    if (read() !== value) {
      value = read();
      since = Date.now();
    }
  }
  return value;
}

describe.each(DIALECTS)('an export whose client stops reading or goes away (%s)', (dialect) => {
  let store: TestStore;
  let parts: ServiceParts;
  let port: number;
  let key: string;
  let snapshotPages = 0;

  beforeAll(async () => {
    store = await createTestStore(dialect);
    // Count the export's snapshot page queries, on whichever connection they run.
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => args.result,
    };
    const counted = store.db.withPlugin(counter);
    const executeQuery = counted.executeQuery.bind(counted);
    counted.executeQuery = ((query: Parameters<typeof executeQuery>[0]) => {
      const compiled = 'sql' in query ? query : query.compile();
      if (SNAPSHOT_PAGE.test(compiled.sql)) snapshotPages++;
      return executeQuery(query);
    }) as typeof counted.executeQuery;
    const reader: SqliteStatements | undefined = store.readCommitted && {
      ...store.readCommitted,
      statement: (sql) => {
        if (SNAPSHOT_PAGE.test(sql)) snapshotPages++;
        return store.readCommitted!.statement(sql);
      },
    };
    const clock = new TestClock(START);
    parts = await readyService({
      store: { ...store, db: counted, ...(reader ? { readCommitted: reader } : {}) },
      config: testConfig({ adminToken: ADMIN_TOKEN }),
      clock,
      liveCollectors: {},
    });
    const created = await parts.app.inject({
      method: 'POST',
      url: '/admin/v1/accounts',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { email: `disconnect-${dialect}@example.com` },
    });
    const accountId = created.json().account.id as string;
    key = created.json().test_api_key as string;
    // 150 videos × 720 hourly snapshots (108,000 rows, about 22 MB of CSV), written directly.
    const videos = Array.from({ length: VIDEOS }, (_, i) => {
      const id = `vid_disconnect${String(i).padStart(6, '0')}`;
      const link = `https://www.tiktok.com/@a/video/73${String(i).padStart(16, '0')}7`;
      return {
        id,
        video_key: i + 1,
        job_id: `job_disconnect${i}`,
        account_id: accountId,
        mode: 'test' as const,
        platform: 'tiktok',
        platform_video_id: link.slice(-19),
        video_link: link,
        canonical_url: link,
        title: `Video ${i}`,
        creator: 'creator',
        description: null,
        status: 'completed' as const,
        is_deleted: 0,
        error_reason: null,
        duration_days: 30,
        interval_seconds: 3600,
        total_slots: SLOTS,
        cost_per_snapshot_micro_usd: 0,
        reserved_micro_usd: 0,
        next_slot: SLOTS,
        next_due_at: null,
        attempts: 0,
        snapshots_collected: SLOTS,
        snapshots_missed: 0,
        charged_micro_usd: 0,
        created_at: START + i,
        last_updated_at: START,
        ended_at: START,
      };
    });
    await store.db.insertInto('videos').values(videos).execute();
    const { code: source } = await store.db
      .insertInto('snapshot_sources')
      .values({ provider: 'simulator', approximate: 0 })
      .returning('code')
      .executeTakeFirstOrThrow();
    for (const video of videos) {
      for (let from = 0; from < SLOTS; from += 360) {
        const rows = Array.from({ length: 360 }, (_, k) => ({
          video_key: video.video_key,
          slot: from + k,
          taken_at: START + (from + k) * 3_600_000,
          views: String(1_000_000 + (from + k) * 1_000),
          likes: String(10_000 + (from + k) * 10),
          comments: '100',
          shares: '10',
          saves: null,
          source,
          charged_micro_usd: 0,
          ledger_entry_id: null,
        }));
        await store.db.insertInto('snapshots').values(rows).execute();
      }
    }
    await parts.app.listen({ port: 0, host: '127.0.0.1' });
    port = (parts.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await parts.app.close();
    await store.destroy();
  });

  it('reads no further than the client takes, and stops reading once the client is gone', async () => {
    const before = snapshotPages;
    const { response, request } = await new Promise<{
      response: import('node:http').IncomingMessage;
      request: import('node:http').ClientRequest;
    }>((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, path: '/api/v1/exports/snapshots', headers: { 'x-api-key': key } },
        (response) => resolve({ response, request }),
      );
      request.on('error', reject);
      request.end();
    });
    expect(response.statusCode).toBe(200);
    try {
      // Take one chunk, then stop reading: the server fills the socket's buffers and waits.
      await new Promise<void>((resolve) => response.once('data', () => resolve()));
      response.pause();
      const whilePaused = (await settled(() => snapshotPages)) - before;
      await sleep(400);
      expect(snapshotPages - before).toBe(whilePaused);
      // A page is one video's 720 rows; a stalled client holds the export to the pages that the socket's
      // buffers take (a few MB), far from all 150.
      expect(whilePaused).toBeGreaterThan(0);
      expect(whilePaused).toBeLessThan(VIDEOS / 2);

      request.destroy();
      response.destroy();
      const afterGone = (await settled(() => snapshotPages)) - before;
      await sleep(400);
      expect(snapshotPages - before).toBe(afterGone);
      expect(afterGone).toBeLessThanOrEqual(whilePaused + 1);
    } finally {
      request.destroy();
    }
  });

  it('reads every page for a client that reads it all (the count above is the real one)', async () => {
    const before = snapshotPages;
    const body = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, path: '/api/v1/exports/snapshots', headers: { 'x-api-key': key } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve(text));
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(body.trimEnd().split('\n')).toHaveLength(VIDEOS * SLOTS + 1);
    expect(snapshotPages - before).toBe(VIDEOS);
  });
});
