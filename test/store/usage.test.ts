// GET /usage's numbers, read by one prepared statement as the row's values (store/usage.ts), on the real databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAccount } from '../../src/store/accounts.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { accountUsage, addUsage } from '../../src/store/usage.ts';
import { insertEmptyAccount } from '../support/accounts.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

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
