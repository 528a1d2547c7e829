// Sends the email rows of the outbox: claims each due row, renders it from the database, hands it to the
// mailer and records the outcome — sent, retry later (capped exponential backoff, full jitter), or given up.
//
// Delivery is at-least-once. A claim is a compare-and-set, so two workers (threads of one process or many
// processes on one database) never send the same row in normal operation. The one duplicate left: a worker
// that dies after the SMTP server accepted a message but before `sent_at` is written; the row comes back when
// its lease ends and is sent again. Exactly-once would need the SMTP server to take part; a rare duplicate
// notification is the better failure than a lost one.
import type { Clock } from '../clock.ts';
import { err, ok } from '../result.ts';
import type { Executor } from '../store/transaction.ts';
import { renderAccountAlertEmail } from './account-alert-email.ts';
import {
  claimEmailRow,
  countWaitingEmails,
  dueEmailRows,
  type EmailOutboxRow,
  giveUpEmail,
  markEmailSent,
  scheduleEmailRetry,
} from './email-outbox-rows.ts';
import type { Mailer } from './mailer.ts';
import { type BackoffPolicy, retryDelayMs } from './retry-backoff.ts';
import { composeSourceAlertEmail, readSourceAlertPayload } from './source-alert-email.ts';
import { type RenderResult, renderTrackingEmail } from './tracking-email.ts';
import { withoutShareToken } from './tracking-report.ts';

/** The slice of a logger the worker uses; a pino logger fits. */
export interface NotifyLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface OutboxWorkerOptions {
  /** The store (or any executor on it). */
  store: Executor;
  clock: Clock;
  /** null when SMTP_URL is unset: rows wait in the outbox until a worker with a mailer runs. */
  mailer: Mailer | null;
  log: NotifyLog;
  /** PUBLIC_BASE_URL, for the data links in the emails. */
  publicBaseUrl: string;
  /** Rows per run. Default 20. */
  batchSize?: number;
  /** Attempts before a retryable failure is given up. Default 10 (with the default backoff, about 8 hours). */
  maxAttempts?: number;
  /** Default: first retry within 1 minute, doubling, each wait at most 4 hours, Math.random. */
  backoff?: Partial<BackoffPolicy>;
  /** How long a claimed row is held before another worker may take it (covers a crash mid-send). Default 10 min. */
  leaseMs?: number;
}

export interface OutboxRunSummary {
  /** Accepted by the SMTP server in this run. */
  sent: number;
  /** Failed in this run (retry scheduled or given up). */
  failed: number;
  /** Of `failed`, given up in this run. */
  gaveUp: number;
  /** Email rows still to be sent after this run, now or at a later retry. */
  pending: number;
}

export interface OutboxWorker {
  /** One pass over the due rows (at most `batchSize`). Database errors are thrown; send failures are recorded. */
  runOnce(): Promise<OutboxRunSummary>;
  /** Runs now, then again `intervalMs` after each run ends, until `stop`. A second call is ignored. */
  start(intervalMs: number): void;
  /** Stops the loop and resolves once the run in flight (if any) has finished. */
  stop(): Promise<void>;
}

const DEFAULTS = {
  batchSize: 20,
  maxAttempts: 10,
  leaseMs: 10 * 60_000,
  baseDelayMs: 60_000,
  maxDelayMs: 4 * 60 * 60_000,
};

type AttemptOutcome = 'sent' | 'retry' | 'gave_up' | 'taken_by_another';

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, clock, mailer, log, publicBaseUrl } = options;
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  const maxAttempts = options.maxAttempts ?? DEFAULTS.maxAttempts;
  const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
  const backoff: BackoffPolicy = {
    baseDelayMs: options.backoff?.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options.backoff?.maxDelayMs ?? DEFAULTS.maxDelayMs,
    random: options.backoff?.random ?? Math.random,
  };
  let warnedNoMailer = false;

  async function runOnce(): Promise<OutboxRunSummary> {
    if (!mailer) {
      const pending = await countWaitingEmails(store);
      if (!warnedNoMailer) {
        warnedNoMailer = true;
        log.warn(
          { pending },
          'SMTP_URL is unset: notification emails are queued in the outbox but not sent; set SMTP_URL and restart to deliver them',
        );
      }
      return { sent: 0, failed: 0, gaveUp: 0, pending };
    }
    const summary = { sent: 0, failed: 0, gaveUp: 0 };
    for (const row of await dueEmailRows(store, clock.now(), batchSize)) {
      const outcome = await attempt(mailer, row);
      if (outcome === 'sent') summary.sent++;
      if (outcome === 'retry' || outcome === 'gave_up') summary.failed++;
      if (outcome === 'gave_up') summary.gaveUp++;
    }
    return { ...summary, pending: await countWaitingEmails(store) };
  }

  async function attempt(sender: Mailer, row: EmailOutboxRow): Promise<AttemptOutcome> {
    if (!(await claimEmailRow(store, row, clock.now() + leaseMs))) return 'taken_by_another';
    const claimedAttempts = row.attempts + 1;
    let rendered: RenderResult;
    try {
      rendered = await renderEmail(store, row, publicBaseUrl);
    } catch (error) {
      return fail(row, claimedAttempts, `rendering failed: ${errorText(error)}`, false);
    }
    if (!rendered.ok) return fail(row, claimedAttempts, rendered.error.message, true);
    const result = await sender.send(rendered.value);
    if (!result.ok) return fail(row, claimedAttempts, result.error.message, result.error.permanent);
    await markEmailSent(store, row.id, clock.now(), withoutShareToken(row.payload));
    log.info(
      { outbox_id: row.id, account_id: row.account_id, attempts: claimedAttempts },
      'notification email sent',
    );
    return 'sent';
  }

  async function fail(
    row: EmailOutboxRow,
    claimedAttempts: number,
    error: string,
    permanent: boolean,
  ): Promise<AttemptOutcome> {
    const fields = { outbox_id: row.id, account_id: row.account_id, attempts: claimedAttempts, error };
    if (permanent || claimedAttempts >= maxAttempts) {
      const reason = permanent
        ? `gave up, permanent failure: ${error}`
        : `gave up after ${claimedAttempts} attempts: ${error}`;
      await giveUpEmail(store, row.id, claimedAttempts, reason, withoutShareToken(row.payload));
      log.error(fields, 'notification email given up; the row stays in the outbox with its last error');
      return 'gave_up';
    }
    const nextAttemptAt = clock.now() + retryDelayMs(claimedAttempts, backoff);
    await scheduleEmailRetry(store, row.id, claimedAttempts, nextAttemptAt, error);
    log.warn(
      { ...fields, next_attempt_at: new Date(nextAttemptAt).toISOString() },
      'notification email failed; will retry',
    );
    return 'retry';
  }

  let loopActive = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  function tick(intervalMs: number): void {
    timer = undefined;
    inFlight = runOnce()
      .then(
        () => undefined,
        (error: unknown) =>
          log.error({ error: errorText(error) }, 'outbox run failed; trying again next interval'),
      )
      .finally(() => {
        inFlight = undefined;
        // A stop() then start() during this run has already scheduled the next one.
        if (loopActive && timer === undefined) timer = setTimeout(() => tick(intervalMs), intervalMs);
      });
  }

  return {
    runOnce,
    start(intervalMs) {
      if (loopActive) return;
      loopActive = true;
      timer = setTimeout(() => tick(intervalMs), 0);
    },
    async stop() {
      loopActive = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}

/** An alert to the operator carries its whole content; an account's email is rendered from the database. */
async function renderEmail(
  store: Executor,
  row: EmailOutboxRow,
  publicBaseUrl: string,
): Promise<RenderResult> {
  const alert = readSourceAlertPayload(row.payload);
  if (alert) return alert.ok ? ok(composeSourceAlertEmail(alert.value)) : alert;
  if (row.account_id === null)
    return err({ kind: 'unrenderable', message: 'an account email without an account' });
  const accountRow = { account_id: row.account_id, payload: row.payload };
  return (
    (await renderAccountAlertEmail(store, accountRow)) ??
    (await renderTrackingEmail(store, accountRow, { publicBaseUrl }))
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
