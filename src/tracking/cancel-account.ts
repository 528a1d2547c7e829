import type { NotInTransaction } from '../store/transaction.ts';
import { cancelVideo } from './lifecycle.ts';

/** Cancels every monitoring or paused video of an account (it was disabled); returns how many. */
export async function cancelAccountVideos(
  store: NotInTransaction,
  accountId: string,
  now: number,
): Promise<number> {
  const active = await store.db
    .selectFrom('videos')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', 'in', ['monitoring', 'paused'])
    .execute();
  let cancelled = 0;
  for (const { id } of active) {
    const result = await cancelVideo(store, id, now, 'account disabled');
    if (result.ok) cancelled++;
  }
  return cancelled;
}
