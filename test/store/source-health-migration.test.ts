// Migration 009 makes the outbox's account optional (an operator's alert belongs to no account). On SQLite
// the table is rebuilt: the rows written before, their ids and the pending index must all come through.
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateUpTo } from '../../src/store/migrate.ts';
import { enqueueOutbox } from '../../src/store/outbox.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { insertEmptyAccount } from '../support/accounts.ts';
import { createTestStore, DIALECTS } from '../support/stores.ts';

describe.each(DIALECTS)('migration 009-source-health (%s)', (dialect) => {
  it('keeps every outbox row and its id, and then takes an email without an account', async () => {
    const store = await createTestStore(dialect, { upTo: '008-share-links' });
    try {
      await insertEmptyAccount(store, 'acc_before');
      const before = store.db as unknown as Kysely<{ outbox: Record<string, unknown> }>;
      for (const [i, sent] of [
        [1, null],
        [2, 5_000],
      ] as const) {
        await before
          .insertInto('outbox')
          .values({
            kind: 'email',
            account_id: 'acc_before',
            payload: `{"event":"tracking.completed","video_id":"vid_${i}"}`,
            attempts: i,
            next_attempt_at: 1_000 * i,
            sent_at: sent,
            last_error: null,
            created_at: 100 * i,
          })
          .execute();
      }
      // A table another branch may add that references the outbox (webhook deliveries, say) keeps its rows.
      await sql`create table outbox_refs (outbox_id bigint not null references outbox (id))`.execute(
        store.db,
      );
      await sql`insert into outbox_refs (outbox_id) values (2)`.execute(store.db);
      expect(await migrateUpTo(store, '009-source-health')).toEqual({
        ok: true,
        value: ['009-source-health'],
      });
      const refs = await sql<{ outbox_id: number }>`select outbox_id from outbox_refs`.execute(store.db);
      expect(refs.rows.map((row) => Number(row.outbox_id))).toEqual([2]);

      const rows = await store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
      expect(
        rows.map((row) => [
          Number(row.id),
          row.account_id,
          Number(row.attempts),
          row.sent_at === null ? null : Number(row.sent_at),
        ]),
      ).toEqual([
        [1, 'acc_before', 1, null],
        [2, 'acc_before', 2, 5000],
      ]);
      await writeTransaction(store, (tx) =>
        enqueueOutbox(tx, { kind: 'email', accountId: null, payload: { event: 'source.degraded' }, at: 9 }),
      );
      const added = await store.db.selectFrom('outbox').selectAll().where('account_id', 'is', null).execute();
      // The key goes on from where it was.
      expect(added.map((row) => Number(row.id))).toEqual([3]);
      // The account is still a foreign key: an unknown one is refused.
      await expect(
        writeTransaction(store, (tx) =>
          enqueueOutbox(tx, { kind: 'email', accountId: 'acc_nobody', payload: {}, at: 9 }),
        ),
      ).rejects.toThrow();
      if (dialect === 'sqlite') {
        const indexes = await sql<{ name: string }>`
          select name from sqlite_master where type = 'index' and tbl_name = 'outbox'`.execute(store.db);
        expect(indexes.rows.map((row) => row.name)).toContain('outbox_pending');
      }
    } finally {
      await store.destroy();
    }
  });
});
