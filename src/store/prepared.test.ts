import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, type TestStore } from '../../test/support/stores.ts';
import { preparedForIds, preparedInsertMany, preparedQuery, ROWS_PER_STATEMENT } from './prepared.ts';
import { writeTransaction } from './transaction.ts';

type AccountInsert = { id: string; email: string; created_at: number };
const insertAccounts = preparedInsertMany(['id', 'email', 'created_at'], (ex, rows: AccountInsert[]) =>
  ex.db
    .insertInto('accounts')
    .values(
      rows.map((row) => ({ ...row, plan: 'free', disabled: 0, balance_micro_usd: 0, reserved_micro_usd: 0 })),
    )
    .returning('id'),
);
const touchAccounts = preparedForIds((ex, ids, at: number) =>
  ex.db.updateTable('accounts').set({ created_at: at }).where('id', 'in', ids).returning('id'),
);

const accountByEmail = preparedQuery((ex, email: string, plan: string) =>
  ex.db.selectFrom('accounts').select(['id', 'email']).where('email', '=', email).where('plan', '=', plan),
);

describe.each(DIALECTS)('prepared queries (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    for (const [id, email] of [
      ['acc_1', 'a@example.com'],
      ['acc_2', 'b@example.com'],
    ]) {
      await store.db
        .insertInto('accounts')
        .values({
          id: id!,
          email: email!,
          plan: 'free',
          rate_limit_per_minute: null,
          max_active_videos: null,
          disabled: 0,
          balance_micro_usd: 0,
          reserved_micro_usd: 0,
          created_at: 0,
        })
        .execute();
    }
  });
  afterAll(() => store.destroy());

  it('compiles once and binds each call’s own arguments', async () => {
    expect(await accountByEmail(store, 'a@example.com', 'free')).toEqual([
      { id: 'acc_1', email: 'a@example.com' },
    ]);
    expect(await accountByEmail(store, 'b@example.com', 'free')).toEqual([
      { id: 'acc_2', email: 'b@example.com' },
    ]);
    expect(await accountByEmail(store, 'b@example.com', 'pro')).toEqual([]);
  });

  // Around the chunk sizes (32 rows, then 8): none, one, a small chunk and one, a chunk minus one (three small
  // chunks and seven single rows), a chunk, a chunk plus one, two chunks, a small one and one.
  it.each([
    0,
    1,
    9,
    ROWS_PER_STATEMENT - 1,
    ROWS_PER_STATEMENT,
    ROWS_PER_STATEMENT + 1,
    2 * ROWS_PER_STATEMENT + 9,
  ])('inserts and updates %i rows in one transaction, each exactly once', async (count) => {
    const ids = Array.from({ length: count }, (_, i) => `acc_n${count}_${i}`);
    const { inserted, touched } = await writeTransaction(store, async (tx) => ({
      inserted: await insertAccounts(
        tx,
        ids.map((id, i) => ({ id, email: `${id}@example.com`, created_at: i })),
      ),
      touched: await touchAccounts(tx, ids, 7),
    }));
    expect(inserted.map((row) => row.id).sort()).toEqual([...ids].sort());
    expect(touched.map((row) => row.id).sort()).toEqual([...ids].sort());
    const stored = await store.db
      .selectFrom('accounts')
      .select(['id', 'email', 'created_at'])
      .where('id', 'like', `acc_n${count}_%`)
      .execute();
    expect(stored.map((row) => [row.id, row.email, Number(row.created_at)]).sort()).toEqual(
      ids.map((id) => [id, `${id}@example.com`, 7]).sort(),
    );
  });
});
