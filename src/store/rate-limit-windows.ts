// Shared request counts per API key and minute: each API process claims a part of a key's limit at a time.
import { preparedQuery } from './prepared.ts';
import type { Executor } from './transaction.ts';

const claimQuery = preparedQuery((ex, keyId: string, windowStart: number, requests: number, limit: number) =>
  ex.db
    .insertInto('rate_limit_windows')
    .values({ key_id: keyId, window_start: windowStart, claimed: requests })
    .onConflict((oc) =>
      oc
        .columns(['key_id', 'window_start'])
        .doUpdateSet((eb) => ({ claimed: eb('rate_limit_windows.claimed', '+', eb.ref('excluded.claimed')) }))
        .where((eb) => eb(eb('rate_limit_windows.claimed', '+', eb.ref('excluded.claimed')), '<=', limit)),
    )
    .returning('claimed'),
);

/**
 * Claims `requests` (at most `limit`) of a key's window in one atomic statement: all of them, or none when
 * that would take the window past the limit. Returns how many the processes together have claimed, or null.
 */
export async function claimRequests(
  ex: Executor,
  keyId: string,
  windowStart: number,
  requests: number,
  limit: number,
): Promise<number | null> {
  const [row] = await claimQuery(ex, keyId, windowStart, requests, limit);
  return row ? Number(row.claimed) : null;
}

const pruneQuery = preparedQuery((ex, before: number) =>
  ex.db.deleteFrom('rate_limit_windows').where('window_start', '<', before),
);

/** Deletes the windows that began before `before`. */
export async function deleteWindowsBefore(ex: Executor, before: number): Promise<void> {
  await pruneQuery(ex, before);
}
