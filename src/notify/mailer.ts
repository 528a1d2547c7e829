// The mail port: the outbox worker hands over a rendered message and learns whether it was accepted, and if
// not, whether sending the same message again could ever succeed. Only the SMTP implementation talks to a server.
import nodemailer from 'nodemailer';
import { err, ok, type Result } from '../result.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** `permanent`: the server refused this message for good (retrying it would get the same answer). */
export type SendFailure = { kind: 'send_failed'; message: string; permanent: boolean };
export type SendResult = Result<undefined, SendFailure>;

export interface Mailer {
  /** Never throws: every failure is a value. */
  send(message: MailMessage): Promise<SendResult>;
}

export interface SmtpMailerOptions {
  /** SMTP_URL, e.g. `smtps://user:pass@mail.example.com` (query options such as `?connectionTimeout=` win over ours). */
  smtpUrl: string;
  /** MAIL_FROM, e.g. `contentstats <no-reply@example.com>`. */
  from: string;
  /** Bounds each wait (connect, greeting, socket inactivity) so one stuck server cannot hold a claimed row for long. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_ERROR_LENGTH = 500;

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // A non-pooled transport: one connection per message, which is plenty for one email per ended tracking.
  // nodemailer only parses the URL here and connects at send time, so a bad URL surfaces as a send failure.
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Our messages are plain strings; never let message content make the transport read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(message) {
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        });
        return ok();
      } catch (error) {
        return err(classifySmtpFailure(error));
      }
    },
  };
}

/** The fields nodemailer puts on the errors it rejects a send with. */
interface SmtpErrorFields {
  message?: unknown;
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
}

/**
 * Decides whether a failed send is worth retrying (RFC 5321: 4yz transient, 5yz permanent).
 * - A 5xx reply to the message (MAIL FROM, RCPT TO, DATA) is permanent, except 503 (bad command sequence:
 *   the session was in the wrong state, a new connection can succeed).
 * - Authentication failures (EAUTH, even as 535) are retryable: the credentials are the operator's to fix,
 *   not a property of this message, and giving the whole queue up at once would lose every email.
 * - A message or envelope nodemailer refuses before talking to the server (invalid address) is permanent.
 * - Connection failures, timeouts, DNS, TLS and 4xx replies are retryable.
 */
export function classifySmtpFailure(error: unknown): SendFailure {
  const fields: SmtpErrorFields =
    typeof error === 'object' && error !== null ? (error as SmtpErrorFields) : {};
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  const response = typeof fields.response === 'string' ? fields.response : undefined;
  const text = [code, message, response && !message.includes(response) ? response : undefined]
    .filter(Boolean)
    .join(': ')
    .slice(0, MAX_ERROR_LENGTH);
  return { kind: 'send_failed', message: text, permanent: isPermanent(code, responseCode) };
}

function isPermanent(code: string | undefined, responseCode: number | undefined): boolean {
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'EOAUTH2') return false;
  if (responseCode !== undefined) return responseCode >= 500 && responseCode <= 599 && responseCode !== 503;
  return code === 'EENVELOPE' || code === 'EMESSAGE';
}
