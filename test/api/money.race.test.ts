import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import { ADMIN_TOKEN, createTestApi, type TestApi } from '../support/api.ts';
import { expectInvariants } from '../support/invariants.ts';
import { DIALECTS } from '../support/stores.ts';

describe.each(DIALECTS)('concurrent tracks are settled by the database (%s)', (dialect) => {
  let api: TestApi;
  beforeEach(async () => {
    const clock = new TestClock();
    api = await createTestApi(dialect, {
      clock,
      liveCollectors: { tiktok: createSimulatorCollector('tiktok', clock) },
    });
  });
  afterEach(() => api.close());

  const trackMany = (key: string, n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        api.call('POST', '/api/v1/videos/track', {
          key,
          body: {
            video_link: `https://www.tiktok.com/@u/video/73012345678901234${String(i).padStart(2, '0')}`,
            duration_days: 1,
          },
        }),
      ),
    );

  it('20 concurrent tracks against money for 3 → exactly 3 succeed', async () => {
    // One day costs 24 × 0.015 = 0.36; 1.2 pays for three and a bit.
    const account = await api.createAccount({ creditUsd: 1.2, plan: 'pro' });
    const responses = await trackMany(account.liveKey, 20);
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 402)).toHaveLength(17);
    const usage = (await api.call('GET', '/api/v1/usage', { key: account.liveKey })).json();
    expect(usage.uncharged_usage_usd).toBeCloseTo(3 * 0.345, 9);
    expect(usage.balance_usd).toBeCloseTo(1.2 - 3 * 0.015, 9);
    await expectInvariants(api.store, account.id);
  });

  it('20 concurrent tracks against a limit of 10 videos → exactly 10 succeed', async () => {
    const account = await api.createAccount({ creditUsd: 100 });
    const responses = await trackMany(account.liveKey, 20);
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 403)).toHaveLength(10);
    await expectInvariants(api.store, account.id);
  });

  it('the ledger refuses to be rewritten', async () => {
    const account = await api.createAccount({ creditUsd: 1 });
    await expect(
      api.store.db.updateTable('ledger_entries').set({ balance_delta_micro_usd: 999 }).execute(),
    ).rejects.toThrow(/immutable/);
    await expect(api.store.db.deleteFrom('ledger_entries').execute()).rejects.toThrow(/immutable/);
    await expectInvariants(api.store, account.id);
  });

  it('the database refuses a negative balance even if code tried', async () => {
    const account = await api.createAccount({ creditUsd: 1 });
    await expect(
      api.store.db
        .updateTable('accounts')
        .set({ balance_micro_usd: -1 })
        .where('id', '=', account.id)
        .execute(),
    ).rejects.toThrow();
    await expect(
      api.store.db
        .updateTable('accounts')
        .set({ reserved_micro_usd: 2_000_000 })
        .where('id', '=', account.id)
        .execute(),
    ).rejects.toThrow();
  });

  it('an operator adjustment can never take money that is reserved', async () => {
    const account = await api.createAccount({ creditUsd: 1 });
    await trackMany(account.liveKey, 1);
    const refused = await api.call('POST', `/admin/v1/accounts/${account.id}/credits`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { amount_usd: -0.9, note: 'refund' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details[0].field).toBe('amount_usd');
    const allowed = await api.call('POST', `/admin/v1/accounts/${account.id}/credits`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { amount_usd: -0.5, note: 'refund' },
    });
    expect(allowed.statusCode).toBe(201);
    await expectInvariants(api.store, account.id);
  });
});
