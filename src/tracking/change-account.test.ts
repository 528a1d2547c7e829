import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectInvariants } from '../../test/support/invariants.ts';
import { createTestStore, DIALECTS, type TestStore } from '../../test/support/stores.ts';
import { FIRST_OBSERVATION, TIKTOK_REF } from '../../test/support/tracking-fixtures.ts';
import { createAccount } from '../accounts/accounts.ts';
import { reservationMicroUsd } from '../billing/pricing.ts';
import { writeTransaction } from '../store/transaction.ts';
import { findVideo } from '../store/videos.ts';
import { changeAccount } from './change-account.ts';
import { pauseVideo } from './lifecycle.ts';
import { totalSlots } from './slots.ts';
import { newTracking } from './track.ts';
import { admitAndStart } from './track-writes.ts';

const COST = 15_000;
const ONE_DAY = reservationMicroUsd(totalSlots(1), COST, 'live');
const ref = TIKTOK_REF;
const observation = FIRST_OBSERVATION;

let emails = 0;

describe.each(DIALECTS)('changing an account (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(() => store.destroy());

  /** An account with two live trackings of a day, one of them paused. */
  async function accountWithTrackings(): Promise<{ accountId: string; videoIds: string[] }> {
    const created = await createAccount(store, {
      email: `change${++emails}@example.com`,
      plan: 'pro',
      creditMicroUsd: 3 * ONE_DAY,
      now: 1_000,
    });
    if (!created.ok) throw new Error(created.error.kind);
    const accountId = created.value.account.id;
    const trackings = [2_000, 3_000].map((at) =>
      newTracking(
        { intervalSeconds: 3_600, costPerSnapshotMicroUsd: COST },
        { accountId, mode: 'live', videoLink: ref.canonicalUrl, durationDays: 1 },
        ref,
        observation,
        at,
      ),
    );
    const started = await writeTransaction(store, (tx) => admitAndStart(tx, trackings));
    const videoIds = started.map((result) => {
      if (!result.ok) throw new Error(result.error.kind);
      return result.value.video.id;
    });
    expect((await pauseVideo(store, null, videoIds[1]!, 4_000)).ok).toBe(true);
    return { accountId, videoIds };
  }

  it('disabling cancels every tracking and answers the account with their reservations released', async () => {
    const { accountId, videoIds } = await accountWithTrackings();
    const changed = await changeAccount(store, accountId, { disabled: 1 }, 5_000);
    if (!changed.ok) throw new Error(changed.error.kind);
    expect(changed.value.cancelledTrackings).toBe(2);
    expect(changed.value.account).toMatchObject({ disabled: 1, reserved_micro_usd: 0 });
    for (const id of videoIds) {
      expect(await findVideo(store, id)).toMatchObject({
        status: 'cancelled',
        error_reason: 'account disabled',
      });
    }
    await expectInvariants(store, accountId);
  });

  it('any other change cancels nothing', async () => {
    const { accountId, videoIds } = await accountWithTrackings();
    const changed = await changeAccount(store, accountId, { plan: 'enterprise', disabled: 0 }, 5_000);
    if (!changed.ok) throw new Error(changed.error.kind);
    expect(changed.value).toMatchObject({ cancelledTrackings: 0, account: { plan: 'enterprise' } });
    expect((await findVideo(store, videoIds[0]!))?.status).toBe('monitoring');
    await expectInvariants(store, accountId);
  });

  it('an unknown account or plan changes nothing', async () => {
    const { accountId } = await accountWithTrackings();
    expect(await changeAccount(store, 'acc_doesNotExist000000', { disabled: 1 }, 5_000)).toEqual({
      ok: false,
      error: { kind: 'account_not_found' },
    });
    expect(await changeAccount(store, accountId, { plan: 'gold', disabled: 1 }, 5_000)).toEqual({
      ok: false,
      error: { kind: 'invalid_plan', plan: 'gold' },
    });
    await expectInvariants(store, accountId);
  });
});
