// Claims on Idempotency-Keys under contention, on the real databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type HeldClaim,
  releaseIdempotencyKey,
} from '../../src/store/idempotency.ts';
import { insertEmptyAccount } from '../support/accounts.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

const LEASE_MS = 60_000;

describe.each(DIALECTS)('Idempotency-Key claims (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    await insertEmptyAccount(store, 'acc_a');
  });
  afterAll(() => store.destroy());

  const claim = (key: string, at: number) =>
    claimIdempotencyKey(store, {
      accountId: 'acc_a',
      mode: 'live',
      key,
      requestHash: 'same-body',
      at,
      ttlMs: 86_400_000,
      leaseMs: LEASE_MS,
    });

  it('of retries racing for an abandoned claim, exactly one takes it over', async () => {
    expect((await claim('race', 1_000)).kind).toBe('claimed');
    const retries = await Promise.all(Array.from({ length: 8 }, () => claim('race', 1_000 + LEASE_MS)));
    expect(retries.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(retries.filter((r) => r.kind === 'taken')).toHaveLength(7);
  });

  it('a request whose claim was taken over can neither answer for the key nor release it', async () => {
    const first = await claim('overtaken', 1_000);
    const retry = await claim('overtaken', 1_000 + LEASE_MS);
    if (first.kind !== 'claimed' || retry.kind !== 'claimed') throw new Error('both should have claimed');
    const stale: HeldClaim = first.claim;
    expect(await completeIdempotencyKey(store, stale, { statusCode: 201, responseBody: '{"id":"a"}' })).toBe(
      false,
    );
    await releaseIdempotencyKey(store, stale);
    expect(
      await completeIdempotencyKey(store, retry.claim, { statusCode: 201, responseBody: '{"id":"b"}' }),
    ).toBe(true);
    expect(await claim('overtaken', 2_000 + LEASE_MS)).toMatchObject({
      kind: 'taken',
      record: { status_code: 201, response_body: '{"id":"b"}' },
    });
  });
});
