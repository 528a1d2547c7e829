import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/notify/mailer.ts';
import { openStore } from '../../src/store/database.ts';
import { enqueueOutbox } from '../../src/store/outbox.ts';
import { writeTransaction } from '../../src/store/transaction.ts';
import { DIALECTS } from '../support/stores.ts';
import { createNotifyFixture, type NotifyFixture, outboxRow } from './notify-fixture.ts';
import { readMime } from './read-mime.ts';
import { seedCompletedTracking } from './seed.ts';

describe.each(DIALECTS)('the email outbox worker (%s)', (dialect) => {
  let f: NotifyFixture;
  beforeEach(async () => {
    f = await createNotifyFixture(dialect);
  });
  afterEach(() => f.close());

  it('two workers on one database, each with its own connection, never send the same row twice', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `reader${i}@example.com`);
    for (const email of emails) await seedCompletedTracking(f.store, email);
    const second = openStore(f.store.url, f.store.pgSchema ? { pgSchema: f.store.pgSchema } : {});
    try {
      const workerA = f.worker();
      const workerB = f.worker({ store: second });

      // Both read the same twelve due rows, then race to claim each of them.
      const [a, b] = await Promise.all([workerA.runOnce(), workerB.runOnce()]);

      expect(a.sent + b.sent).toBe(12);
      expect(a.failed + b.failed).toBe(0);
      const recipients = f.smtp.received.flatMap((mail) => mail.rcptTo).sort();
      expect(recipients).toEqual([...emails].sort());
      const rows = await f.store.db.selectFrom('outbox').select(['attempts', 'sent_at']).execute();
      expect(rows.every((row) => Number(row.attempts) === 1 && row.sent_at !== null)).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('leaves webhook rows for the webhook worker', async () => {
    const { account } = await seedCompletedTracking(f.store, 'hooks@example.com');
    await writeTransaction(f.store, (tx) =>
      enqueueOutbox(tx, {
        kind: 'webhook',
        accountId: account.id,
        payload: { event: 'tracking.completed' },
        at: f.clock.now(),
      }),
    );

    expect(await f.worker().runOnce()).toEqual({ sent: 1, failed: 0, gaveUp: 0, pending: 0 });

    const webhookRow = await outboxRow(f.store);
    expect(webhookRow).toMatchObject({ kind: 'webhook', attempts: 0, sent_at: null, last_error: null });
  });

  it('sends due rows oldest first, at most batchSize per run', async () => {
    for (const email of ['first@example.com', 'second@example.com', 'third@example.com']) {
      await seedCompletedTracking(f.store, email);
      f.clock.advance(1);
    }
    const worker = f.worker({ batchSize: 2 });

    expect(await worker.runOnce()).toEqual({ sent: 2, failed: 0, gaveUp: 0, pending: 1 });
    expect(await worker.runOnce()).toEqual({ sent: 1, failed: 0, gaveUp: 0, pending: 0 });
    expect(f.smtp.received.map((mail) => mail.rcptTo[0])).toEqual([
      'first@example.com',
      'second@example.com',
      'third@example.com',
    ]);
  });

  it('start runs the loop until stop, and stop waits for the email being sent', async () => {
    await seedCompletedTracking(f.store, 'loop@example.com');
    let releaseSend: () => void = () => undefined;
    let sendStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      sendStarted = resolve;
    });
    // The real mailer behind a gate, so the test decides when the send in flight may finish.
    const gatedMailer: Mailer = {
      async send(message) {
        sendStarted();
        await new Promise<void>((resolve) => {
          releaseSend = resolve;
        });
        return f.mailer.send(message);
      },
    };
    const worker = f.worker({ mailer: gatedMailer });

    worker.start(10);
    await started;
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);

    releaseSend();
    await stopping;
    expect((await outboxRow(f.store)).sent_at).toBe(f.clock.now());
    expect(readMime(f.smtp.received[0]!.raw).to).toBe('loop@example.com');

    // Stopped means stopped: a new row stays queued.
    await seedCompletedTracking(f.store, 'after-stop@example.com');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(f.smtp.received).toHaveLength(1);
  });
});
