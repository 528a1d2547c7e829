// Migrations land in the schema the connection uses, even when other schemas of the same PostgreSQL database
// already hold contentstats' tables and Kysely's bookkeeping (one database, a schema per environment).
import type { Kysely } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/ids.ts';
import { openStore } from '../../src/store/database.ts';
import { claimIdempotencyKey } from '../../src/store/idempotency.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import type { VideoStatus } from '../../src/store/schema.ts';
import { accountUsage } from '../../src/store/usage.ts';
import { createTestStore, TEST_POSTGRES_URL } from '../support/stores.ts';

async function admin(query: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query(query)).rows.map((row) => Object.values(row).join());
  } finally {
    await client.end();
  }
}

describe('migrating PostgreSQL', () => {
  it('a DATABASE_URL that picks a schema with search_path gets its own tables there', async () => {
    // Another schema already migrated: Kysely would find its bookkeeping there unless pinned to ours.
    const other = await createTestStore('postgres');
    const schema = `t_${randomBase62(12).toLowerCase()}`;
    await admin(`create schema ${schema}`);
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const store = openStore(url.href);
    try {
      expect(await migrateToLatest(store)).toEqual({
        ok: true,
        value: [
          '001-initial',
          '002-account-usage',
          '003-rate-limit-windows',
          '004-idempotency-claims',
          '005-auth-version',
          '006-webhooks',
          '007-tags-metadata',
          '008-share-links',
          '009-source-health',
          '010-compact-snapshots',
          '011-snapshots-pruned-at',
        ],
      });
      expect(await migrateToLatest(store)).toEqual({ ok: true, value: [] });
      const tables = await admin(
        `select table_name from information_schema.tables where table_schema = '${schema}' order by 1`,
      );
      expect(tables).toEqual(expect.arrayContaining(['accounts', 'ledger_entries', 'snapshots', 'videos']));
      expect(tables).toContain('kysely_migration');
    } finally {
      await store.close();
      await admin(`drop schema ${schema} cascade`);
      await other.destroy();
    }
  });
});

describe('migrating PostgreSQL while other schemas come and go', () => {
  it('is not disturbed by a schema dropped during the migration', async () => {
    // Another tenant (or another test file) creating and dropping schemas with tables, as fast as it can.
    let churning = true;
    const churn = (async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        while (churning) {
          const name = `t_churn_${randomBase62(8).toLowerCase()}`;
          await client.query(
            `create schema ${name}; create table ${name}.a (id bigserial primary key, b text)`,
          );
          await client.query(`drop schema ${name} cascade`);
        }
      } finally {
        await client.end();
      }
    })();
    const failures: string[] = [];
    const migrateOnce = async () => {
      const schema = `t_${randomBase62(12).toLowerCase()}`;
      await admin(`create schema ${schema}`);
      const store = openStore(TEST_POSTGRES_URL, { pgSchema: schema });
      try {
        const result = await migrateToLatest(store);
        if (!result.ok) failures.push(result.error.message);
      } finally {
        await store.close();
        await admin(`drop schema ${schema} cascade`);
      }
    };
    try {
      // 20 migrations, four at a time: each still reads the catalogs while schemas are dropped (by the churn and
      // by the other three), and the waits for the migration lock overlap instead of adding up.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 5; i++) await migrateOnce();
        }),
      );
    } finally {
      churning = false;
      await churn;
    }
    expect(failures).toEqual([]);
  }, 60_000);
});

describe.each(['sqlite', 'postgres'] as const)(
  '002-account-usage on an existing database (%s)',
  (dialect) => {
    it("computes each account's running totals from the videos it already has", async () => {
      const store = await createTestStore(dialect, { upTo: '001-initial' });
      try {
        await store.db
          .insertInto('accounts')
          .values(
            ['acc_a', 'acc_b'].map((id) => ({
              id,
              email: `${id}@example.com`,
              plan: 'pro',
              disabled: 0,
              balance_micro_usd: 0,
              reserved_micro_usd: 0,
              created_at: 1,
            })),
          )
          .execute();
        const video = (
          id: string,
          accountId: string,
          mode: 'live' | 'test',
          status: VideoStatus,
          collected: number,
        ) => ({
          id,
          job_id: `job_${id}`,
          account_id: accountId,
          mode,
          platform: 'tiktok',
          platform_video_id: '1',
          video_link: 'https://www.tiktok.com/@a/video/1',
          canonical_url: 'https://www.tiktok.com/@_/video/1',
          status,
          is_deleted: 0,
          duration_days: 1,
          interval_seconds: 3600,
          total_slots: 24,
          cost_per_snapshot_micro_usd: 15_000,
          reserved_micro_usd: 0,
          next_slot: collected,
          attempts: 0,
          snapshots_collected: collected,
          snapshots_missed: 0,
          created_at: 1,
          last_updated_at: 1,
        });
        // The videos table as 001 made it (before 010's keys).
        await (store.db as unknown as Kysely<{ videos: ReturnType<typeof video> }>)
          .insertInto('videos')
          .values([
            video('v1', 'acc_a', 'live', 'monitoring', 3),
            video('v2', 'acc_a', 'live', 'completed', 24),
            video('v3', 'acc_a', 'test', 'monitoring', 5),
            video('v4', 'acc_a', 'test', 'paused', 2),
          ])
          .execute();

        expect(await migrateToLatest(store)).toEqual({
          ok: true,
          value: [
            '002-account-usage',
            '003-rate-limit-windows',
            '004-idempotency-claims',
            '005-auth-version',
            '006-webhooks',
            '007-tags-metadata',
            '008-share-links',
            '009-source-health',
            '010-compact-snapshots',
            '011-snapshots-pruned-at',
          ],
        });
        expect(await accountUsage(store, 'acc_a', 'live')).toMatchObject({
          activeVideos: 1,
          snapshotsCollected: 27,
          chargedMicroUsd: 27 * 15_000,
        });
        expect(await accountUsage(store, 'acc_a', 'test')).toMatchObject({
          activeVideos: 1,
          snapshotsCollected: 7,
          chargedMicroUsd: 0,
        });
        // 007: videos tracked before tags existed carry none, and empty metadata.
        const labels = await store.db
          .selectFrom('videos')
          .select(['id', 'tags', 'metadata'])
          .orderBy('id')
          .execute();
        expect(labels).toEqual(['v1', 'v2', 'v3', 'v4'].map((id) => ({ id, tags: '[]', metadata: '{}' })));
        expect(await store.db.selectFrom('video_tags').selectAll().execute()).toEqual([]);
        // An account without videos has no row yet, and reads as zeros.
        expect(await accountUsage(store, 'acc_b', 'live')).toMatchObject({
          activeVideos: 0,
          snapshotsCollected: 0,
          chargedMicroUsd: 0,
        });
      } finally {
        await store.destroy();
      }
    });
  },
);

describe.each(['sqlite', 'postgres'] as const)(
  '004-idempotency-claims on an existing database (%s)',
  (dialect) => {
    it('keeps every key for both modes; a claim left in flight by the old version is taken over after a full lease', async () => {
      const store = await createTestStore(dialect, { upTo: '003-rate-limit-windows' });
      try {
        await store.db
          .insertInto('accounts')
          .values({
            id: 'acc_a',
            email: 'acc_a@example.com',
            plan: 'pro',
            disabled: 0,
            balance_micro_usd: 0,
            reserved_micro_usd: 0,
            created_at: 1,
          })
          .execute();
        // The lease of a migrated claim runs from the wall-clock time of the migration.
        const createdAt = Date.now() - 1_000;
        const oldRow = (key: string, statusCode: number | null) => ({
          account_id: 'acc_a',
          idempotency_key: key,
          request_hash: `hash-${key}`,
          status_code: statusCode,
          response_body: statusCode === null ? null : '{"id":"vid_1"}',
          created_at: createdAt,
          expires_at: createdAt + 86_400_000,
        });
        // The old table's columns, written as the previous version wrote them.
        const oldTable = store.db as unknown as Kysely<{
          idempotency_keys: ReturnType<typeof oldRow>;
        }>;
        await oldTable
          .insertInto('idempotency_keys')
          .values([oldRow('answered', 201), oldRow('crashed', null)])
          .execute();

        expect(await migrateToLatest(store)).toEqual({
          ok: true,
          value: [
            '004-idempotency-claims',
            '005-auth-version',
            '006-webhooks',
            '007-tags-metadata',
            '008-share-links',
            '009-source-health',
            '010-compact-snapshots',
            '011-snapshots-pruned-at',
          ],
        });
        const rows = await store.db
          .selectFrom('idempotency_keys')
          .select(['mode', 'idempotency_key', 'status_code', 'claim_token'])
          .orderBy('idempotency_key')
          .orderBy('mode')
          .execute();
        expect(rows).toEqual([
          { mode: 'live', idempotency_key: 'answered', status_code: 201, claim_token: null },
          { mode: 'test', idempotency_key: 'answered', status_code: 201, claim_token: null },
          { mode: 'live', idempotency_key: 'crashed', status_code: null, claim_token: 'migrated' },
          { mode: 'test', idempotency_key: 'crashed', status_code: null, claim_token: 'migrated' },
        ]);
        const claim = (key: string, at: number) =>
          claimIdempotencyKey(store, {
            accountId: 'acc_a',
            mode: 'live',
            key,
            requestHash: `hash-${key}`,
            at,
            ttlMs: 86_400_000,
            leaseMs: 60_000,
          });
        const migratedAt = Date.now();
        expect(await claim('answered', migratedAt)).toMatchObject({
          kind: 'taken',
          record: { status_code: 201 },
        });
        // An old process may still be serving that request: the retry waits for its lease.
        expect(await claim('crashed', migratedAt)).toMatchObject({
          kind: 'taken',
          record: { status_code: null },
        });
        expect(await claim('crashed', migratedAt + 61_000)).toMatchObject({ kind: 'claimed' });
      } finally {
        await store.destroy();
      }
    });
  },
);
