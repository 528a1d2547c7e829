// One test's world for the email worker: a fresh migrated database, a real SMTP server on loopback, a test
// clock, a log that records, and a worker factory with deterministic backoff (always half the ceiling).
import { TestClock } from '../../src/clock.ts';
import { createSmtpMailer, type Mailer } from '../../src/notify/mailer.ts';
import {
  createOutboxWorker,
  type NotifyLog,
  type OutboxWorker,
  type OutboxWorkerOptions,
} from '../../src/notify/outbox-worker.ts';
import type { Dialect } from '../../src/store/database.ts';
import { createTestStore, type TestStore } from '../support/stores.ts';
import { type ReadMail, readMime } from './read-mime.ts';
import { TRACKING_START } from './seed.ts';
import { type SmtpTestServer, startSmtpTestServer } from './smtp-test-server.ts';

export const PUBLIC_BASE_URL = 'https://stats.example.com';
export const MAIL_FROM = 'contentstats <no-reply@stats.example.com>';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

export interface NotifyFixture {
  store: TestStore;
  smtp: SmtpTestServer;
  clock: TestClock;
  logLines: LogLine[];
  log: NotifyLog;
  mailer: Mailer;
  worker(options?: Partial<OutboxWorkerOptions>): OutboxWorker;
  /** The one message delivered to this address (fails the test if there is not exactly one). */
  mailTo(address: string): ReadMail;
  close(): Promise<void>;
}

export async function createNotifyFixture(dialect: Dialect): Promise<NotifyFixture> {
  const store = await createTestStore(dialect);
  const smtp = await startSmtpTestServer();
  // One day after the seeded trackings started: they have ended and their emails are due.
  const clock = new TestClock(TRACKING_START + 24 * 3_600_000);
  const logLines: LogLine[] = [];
  const record = (level: LogLine['level']) => (fields: Record<string, unknown>, message: string) => {
    logLines.push({ level, fields, message });
  };
  const log: NotifyLog = { info: record('info'), warn: record('warn'), error: record('error') };
  const mailer = createSmtpMailer({ smtpUrl: smtp.url, from: MAIL_FROM, timeoutMs: 2_000 });
  let closed = false;
  return {
    store,
    smtp,
    clock,
    logLines,
    log,
    mailer,
    worker: (options = {}) =>
      createOutboxWorker({
        store,
        clock,
        mailer,
        log,
        publicBaseUrl: PUBLIC_BASE_URL,
        backoff: { random: () => 0.5 },
        ...options,
      }),
    mailTo(address) {
      const messages = smtp.received.filter((mail) => mail.rcptTo.includes(address));
      if (messages.length !== 1)
        throw new Error(`expected one message to ${address}, got ${messages.length}`);
      return readMime(messages[0]!.raw);
    },
    /** Idempotent, so an afterEach after a failed beforeEach does not close the previous test's world twice. */
    async close() {
      if (closed) return;
      closed = true;
      await smtp.stop();
      await store.destroy();
    },
  };
}

/** The outbox row as stored (numbers normalised across dialects). */
export async function outboxRow(store: TestStore, id?: number) {
  let query = store.db.selectFrom('outbox').selectAll();
  if (id !== undefined) query = query.where('id', '=', id);
  const row = await query.orderBy('id', 'desc').executeTakeFirstOrThrow();
  return {
    ...row,
    id: Number(row.id),
    attempts: Number(row.attempts),
    next_attempt_at: Number(row.next_attempt_at),
    sent_at: row.sent_at === null ? null : Number(row.sent_at),
  };
}
