// An account row written straight into the store, for tests below the API: no keys, no money.
import { insertAccount } from '../../src/store/accounts.ts';
import type { Executor } from '../../src/store/transaction.ts';

export async function insertEmptyAccount(ex: Executor, id: string, plan = 'free'): Promise<void> {
  await insertAccount(ex, {
    id,
    email: `${id}@example.com`,
    plan,
    rate_limit_per_minute: null,
    max_active_videos: null,
    disabled: 0,
    balance_micro_usd: 0,
    reserved_micro_usd: 0,
    created_at: 0,
  });
}
