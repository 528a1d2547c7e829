import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, type TestStore } from '../../test/support/stores.ts';
import { writeTransaction } from './transaction.ts';

const account = (id: string, balance = 0) => ({
  id,
  email: `${id}@example.com`,
  plan: 'free',
  rate_limit_per_minute: null,
  max_active_videos: null,
  disabled: 0,
  balance_micro_usd: balance,
  reserved_micro_usd: 0,
  created_at: 0,
});

describe.each(DIALECTS)('write transactions (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.destroy());

  const ids = async () =>
    (await store.db.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id);

  it('concurrent writes all commit, and one that fails is undone alone', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        writeTransaction(store, async (tx) => {
          await tx.db
            .insertInto('accounts')
            .values(account(`acc_${String(i).padStart(2, '0')}`))
            .execute();
          if (i === 7) throw new Error('refused');
          return i;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
    expect(results[7]).toMatchObject({ status: 'rejected', reason: new Error('refused') });
    const stored = await ids();
    expect(stored).toHaveLength(19);
    expect(stored).not.toContain('acc_07');
  });

  it('a transaction cannot be opened inside another: it does not compile, and would fail', async () => {
    const nested = writeTransaction(store, (tx) =>
      // @ts-expect-error a Tx is inside a transaction already: writeTransaction refuses it at compile time.
      writeTransaction(tx, async () => 'nested'),
    );
    await expect(nested).rejects.toThrow();
  });

  it('a write that breaks a constraint is rolled back entirely, not half-applied', async () => {
    await expect(
      writeTransaction(store, async (tx) => {
        await tx.db.insertInto('accounts').values(account('acc_half')).execute();
        await tx.db
          .updateTable('accounts')
          .set({ balance_micro_usd: -1 })
          .where('id', '=', 'acc_half')
          .execute();
      }),
    ).rejects.toThrow();
    expect(await ids()).not.toContain('acc_half');
  });
});

describe('SQLite group commit', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('sqlite');
  });
  afterAll(() => store.destroy());

  // Writes share a commit in arrival order; a later one reads what an earlier one wrote.
  it('a write sees what an earlier write of the same moment wrote', async () => {
    const [, seen] = await Promise.all([
      writeTransaction(store, (tx) => tx.db.insertInto('accounts').values(account('acc_first', 5)).execute()),
      writeTransaction(
        store,
        async (tx) =>
          (
            await tx.db
              .selectFrom('accounts')
              .select('balance_micro_usd')
              .where('id', '=', 'acc_first')
              .executeTakeFirst()
          )?.balance_micro_usd,
      ),
    ]);
    expect(Number(seen)).toBe(5);
  });
});
