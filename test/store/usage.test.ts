// GET /usage's numbers, read by one prepared statement as the row's values and, on SQLite, kept while the database
// does not change (store/usage.ts, store/committed-data.ts), on the real databases.
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAccount } from '../../src/store/accounts.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { accountUsage, addUsage } from '../../src/store/usage.ts';
import { insertEmptyAccount } from '../support/accounts.ts';
import { childDatabaseUrl, createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe.each(DIALECTS)('an account’s usage (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    await insertAccount(store, {
      id: 'acc_paying',
      email: 'paying@example.com',
      plan: 'free',
      rate_limit_per_minute: null,
      max_active_videos: null,
      disabled: 0,
      balance_micro_usd: 7_000_000,
      reserved_micro_usd: 450_000,
      created_at: 0,
    });
    await insertEmptyAccount(store, 'acc_new');
    await writeTransaction(store, async (tx) => {
      await addUsage(tx, 'acc_paying', 'live', {
        activeVideos: 3,
        snapshotsCollected: 40,
        chargedMicroUsd: 600_000,
      });
      await addUsage(tx, 'acc_paying', 'test', { activeVideos: 1, snapshotsCollected: 5 });
    });
  });
  afterAll(() => store.destroy());

  it('holds each column in its own place, per mode', async () => {
    expect(await accountUsage(store, 'acc_paying', 'live')).toEqual({
      balanceMicroUsd: 7_000_000,
      reservedMicroUsd: 450_000,
      activeVideos: 3,
      snapshotsCollected: 40,
      chargedMicroUsd: 600_000,
    });
    expect(await accountUsage(store, 'acc_paying', 'test')).toEqual({
      balanceMicroUsd: 7_000_000,
      reservedMicroUsd: 450_000,
      activeVideos: 1,
      snapshotsCollected: 5,
      chargedMicroUsd: 0,
    });
  });

  it('counts zero for an account that has tracked nothing, and nothing for an unknown account', async () => {
    expect(await accountUsage(store, 'acc_new', 'live')).toEqual({
      balanceMicroUsd: 0,
      reservedMicroUsd: 0,
      activeVideos: 0,
      snapshotsCollected: 0,
      chargedMicroUsd: 0,
    });
    expect(await accountUsage(store, 'acc_missing', 'live')).toBeUndefined();
  });

  it('sees a change committed just before it', async () => {
    await writeTransaction(store, (tx) => addUsage(tx, 'acc_new', 'test', { snapshotsCollected: 2 }));
    expect((await accountUsage(store, 'acc_new', 'test'))?.snapshotsCollected).toBe(2);
  });

  it('a change this process makes is read by the very next request, in the same turn of the event loop', async () => {
    await insertEmptyAccount(store, 'acc_same_turn');
    expect((await accountUsage(store, 'acc_same_turn', 'live'))?.balanceMicroUsd).toBe(0);
    // An autocommit update through Kysely: no setImmediate between it and the reads around it.
    await store.db
      .updateTable('accounts')
      .set({ balance_micro_usd: 5 })
      .where('id', '=', 'acc_same_turn')
      .execute();
    expect((await accountUsage(store, 'acc_same_turn', 'live'))?.balanceMicroUsd).toBe(5);
    await writeTransaction(store, (tx) => addUsage(tx, 'acc_same_turn', 'live', { activeVideos: 2 }));
    expect((await accountUsage(store, 'acc_same_turn', 'live'))?.activeVideos).toBe(2);
  });

  it('a change another process commits (the CLI) is read from the next turn of the event loop', async () => {
    await insertEmptyAccount(store, 'acc_other_process');
    expect((await accountUsage(store, 'acc_other_process', 'test'))?.balanceMicroUsd).toBe(0);
    // A connection of its own, as another process has: nothing of this process's store takes part in the write.
    const update = 'update accounts set balance_micro_usd = 9000000 where id = ';
    if (dialect === 'sqlite') {
      const other = new SqliteDatabase(store.url.slice('sqlite:'.length));
      other.prepare(`${update}?`).run('acc_other_process');
      other.close();
    } else {
      const other = new pg.Client({ connectionString: childDatabaseUrl(store) });
      await other.connect();
      await other.query(`${update}$1`, ['acc_other_process']);
      await other.end();
    }
    await nextTurn();
    expect((await accountUsage(store, 'acc_other_process', 'test'))?.balanceMicroUsd).toBe(9_000_000);
  });

  it.runIf(dialect === 'sqlite')(
    'reads through a raw statement of its own: the same SQL run as usual still answers objects',
    () => {
      const reader = store.readCommitted!;
      const sql = 'select id, plan from accounts where id = ?';
      expect(reader.valuesStatement(sql).get('acc_new')).toEqual(['acc_new', 'free']);
      expect(reader.statement(sql).get('acc_new')).toEqual({ id: 'acc_new', plan: 'free' });
      expect(reader.valuesStatement(sql).get('acc_new')).toEqual(['acc_new', 'free']);
    },
  );
});
