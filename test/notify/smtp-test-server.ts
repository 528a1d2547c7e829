// A real SMTP server on loopback (smtp-server) that records what it accepts. It can refuse recipients with a
// chosen reply code, and it can be stopped and started again on the same port to play an outage.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The SMTP envelope, as the server saw it. */
  mailFrom: string;
  rcptTo: string[];
  /** The message as delivered (headers and body, CRLF line ends). */
  raw: string;
}

export interface SmtpTestServer {
  /** SMTP_URL for nodemailer. */
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Refuses every RCPT TO with this reply until set back to null. */
  rejectRecipients(reply: { code: number; message: string } | null): void;
  /** Stops listening (connections are refused) until `start` is called again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startSmtpTestServer(): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  let rejection: { code: number; message: string } | null = null;
  let server: SMTPServer | undefined;
  let port = 0;

  const listen = async (): Promise<void> => {
    const instance = new SMTPServer({
      authOptional: true,
      // nodemailer would upgrade to TLS if offered; on loopback in tests plain SMTP is the point.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 1_000,
      onRcptTo(_address, _session, callback) {
        if (!rejection) return callback();
        const error = Object.assign(new Error(rejection.message), { responseCode: rejection.code });
        callback(error);
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const from = session.envelope.mailFrom;
          received.push({
            mailFrom: from ? from.address : '',
            rcptTo: session.envelope.rcptTo.map((address) => address.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      instance.server.once('error', reject);
      instance.listen(port, '127.0.0.1', () => resolve());
    });
    port = (instance.server.address() as AddressInfo).port;
    server = instance;
  };

  await listen();
  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    received,
    rejectRecipients(reply) {
      rejection = reply;
    },
    async stop() {
      const instance = server;
      server = undefined;
      if (instance) await new Promise<void>((resolve) => instance.close(() => resolve()));
    },
    start: listen,
  };
}
