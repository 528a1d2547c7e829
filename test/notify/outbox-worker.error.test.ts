import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GIVEN_UP_AT } from '../../src/notify/email-outbox-rows.ts';
import { DIALECTS } from '../support/stores.ts';
import { createNotifyFixture, type NotifyFixture, outboxRow } from './notify-fixture.ts';
import { seedCompletedTracking } from './seed.ts';

const MINUTE_MS = 60_000;

describe.each(DIALECTS)('when an email cannot be delivered (%s)', (dialect) => {
  let f: NotifyFixture;
  beforeEach(async () => {
    f = await createNotifyFixture(dialect);
  });
  afterEach(() => f.close());

  it('while the SMTP server is down the email is retried with growing backoff, and delivered once it is back', async () => {
    await seedCompletedTracking(f.store, 'wait@example.com');
    const worker = f.worker();
    const start = f.clock.now();
    await f.smtp.stop();

    // Attempt 1 fails: the next one is drawn from [0, 1 min); the test's jitter takes half of it.
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 1, gaveUp: 0, pending: 1 });
    let row = await outboxRow(f.store);
    expect(row).toMatchObject({ attempts: 1, sent_at: null, next_attempt_at: start + 0.5 * MINUTE_MS });
    expect(row.last_error).toMatch(/ECONNREFUSED/);

    // Not due yet: nothing happens.
    f.clock.advance(0.5 * MINUTE_MS - 1);
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 0, gaveUp: 0, pending: 1 });
    expect((await outboxRow(f.store)).attempts).toBe(1);

    // Attempt 2 fails: the ceiling doubles to 2 min.
    f.clock.advance(1);
    expect(await worker.runOnce()).toMatchObject({ failed: 1, pending: 1 });
    row = await outboxRow(f.store);
    expect(row).toMatchObject({ attempts: 2, next_attempt_at: f.clock.now() + 1 * MINUTE_MS });

    await f.smtp.start();
    f.clock.advance(1 * MINUTE_MS);
    expect(await worker.runOnce()).toEqual({ sent: 1, failed: 0, gaveUp: 0, pending: 0 });
    row = await outboxRow(f.store);
    expect(row).toMatchObject({ attempts: 3, sent_at: f.clock.now(), last_error: null });
    expect(f.mailTo('wait@example.com').subject).toBe('Tracking completed: Morning routine');
    expect(f.logLines.filter((line) => line.level === 'warn')).toHaveLength(2);
  });

  it('a 5xx rejection is permanent: the row is given up at once and kept with the reply', async () => {
    await seedCompletedTracking(f.store, 'nobody@example.com');
    f.smtp.rejectRecipients({ code: 550, message: '5.1.1 Mailbox does not exist' });
    const worker = f.worker();

    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 1, gaveUp: 1, pending: 0 });

    const row = await outboxRow(f.store);
    expect(row).toMatchObject({ attempts: 1, sent_at: null, next_attempt_at: GIVEN_UP_AT });
    expect(row.last_error).toMatch(
      /^gave up, permanent failure: EENVELOPE: .*550 5\.1\.1 Mailbox does not exist/,
    );
    expect(f.logLines.some((line) => line.level === 'error' && line.message.includes('given up'))).toBe(true);
    // Given up means never again, however late it gets.
    f.clock.advance(365 * 24 * 60 * MINUTE_MS);
    f.smtp.rejectRecipients(null);
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 0, gaveUp: 0, pending: 0 });
    expect(f.smtp.received).toHaveLength(0);
  });

  it('a 4xx rejection is retried, and given up after maxAttempts', async () => {
    await seedCompletedTracking(f.store, 'full@example.com');
    f.smtp.rejectRecipients({ code: 452, message: '4.2.2 Mailbox full, try later' });
    const worker = f.worker({ maxAttempts: 3 });

    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await worker.runOnce()).toEqual({ sent: 0, failed: 1, gaveUp: 0, pending: 1 });
      const row = await outboxRow(f.store);
      expect(row.attempts).toBe(attempt);
      expect(row.last_error).toMatch(/452 4\.2\.2 Mailbox full/);
      f.clock.set(row.next_attempt_at);
    }
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 1, gaveUp: 1, pending: 0 });
    const row = await outboxRow(f.store);
    expect(row).toMatchObject({ attempts: 3, sent_at: null, next_attempt_at: GIVEN_UP_AT });
    expect(row.last_error).toMatch(/^gave up after 3 attempts: .*452/);
  });

  it('without SMTP_URL the emails stay in the outbox and the worker says so once', async () => {
    await seedCompletedTracking(f.store, 'queued@example.com');
    const worker = f.worker({ mailer: null });

    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 0, gaveUp: 0, pending: 1 });
    await seedCompletedTracking(f.store, 'queued-too@example.com');
    f.clock.advance(60 * MINUTE_MS);
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 0, gaveUp: 0, pending: 2 });

    expect(f.logLines).toEqual([
      {
        level: 'warn',
        fields: { pending: 1 },
        message:
          'SMTP_URL is unset: notification emails are queued in the outbox but not sent; set SMTP_URL and restart to deliver them',
      },
    ]);
    const rows = await f.store.db
      .selectFrom('outbox')
      .select(['attempts', 'sent_at', 'last_error'])
      .execute();
    expect(rows.map((r) => [Number(r.attempts), r.sent_at, r.last_error])).toEqual([
      [0, null, null],
      [0, null, null],
    ]);
    expect(f.smtp.received).toHaveLength(0);
  });

  it('a row whose video does not exist is given up without sending', async () => {
    const { account } = await seedCompletedTracking(f.store, 'ghost@example.com');
    await f.store.db.updateTable('outbox').set({ sent_at: 1 }).execute();
    await f.store.db
      .insertInto('outbox')
      .values({
        kind: 'email',
        account_id: account.id,
        payload: JSON.stringify({ event: 'tracking.completed', video_id: 'vid_missing' }),
        attempts: 0,
        next_attempt_at: f.clock.now(),
        sent_at: null,
        last_error: null,
        created_at: f.clock.now(),
      })
      .execute();

    expect(await f.worker().runOnce()).toEqual({ sent: 0, failed: 1, gaveUp: 1, pending: 0 });
    expect((await outboxRow(f.store)).last_error).toBe(
      'gave up, permanent failure: video vid_missing not found',
    );
    expect(f.smtp.received).toHaveLength(0);
  });
});
