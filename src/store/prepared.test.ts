import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, type TestStore } from '../../test/support/stores.ts';
import { preparedQuery } from './prepared.ts';

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
});
