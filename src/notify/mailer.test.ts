import { describe, expect, it } from 'vitest';
import { classifySmtpFailure } from './mailer.ts';

// The shapes nodemailer rejects a send with (code, responseCode, response).
const smtpError = (fields: { message: string; code?: string; responseCode?: number; response?: string }) =>
  Object.assign(new Error(fields.message), fields);

describe('classifying a failed send', () => {
  it('treats a 5xx reply to the message as permanent', () => {
    const result = classifySmtpFailure(
      smtpError({
        message: "Can't send mail - all recipients were rejected: 550 5.1.1 No such user",
        code: 'EENVELOPE',
        responseCode: 550,
        response: '550 5.1.1 No such user',
      }),
    );
    expect(result).toEqual({
      kind: 'send_failed',
      permanent: true,
      message: "EENVELOPE: Can't send mail - all recipients were rejected: 550 5.1.1 No such user",
    });
  });

  it('retries 4xx replies and 503 (bad command sequence)', () => {
    expect(
      classifySmtpFailure(smtpError({ message: 'x', code: 'EENVELOPE', responseCode: 451 })).permanent,
    ).toBe(false);
    expect(
      classifySmtpFailure(smtpError({ message: 'x', code: 'EPROTOCOL', responseCode: 503 })).permanent,
    ).toBe(false);
  });

  it('retries connection failures and timeouts', () => {
    for (const code of ['ESOCKET', 'ECONNECTION', 'ETIMEDOUT', 'EDNS', 'ETLS']) {
      expect(classifySmtpFailure(smtpError({ message: 'down', code })).permanent).toBe(false);
    }
  });

  it('retries authentication failures, which are the operator to fix and not the message', () => {
    const result = classifySmtpFailure(
      smtpError({ message: 'Invalid login: 535 5.7.8 Bad credentials', code: 'EAUTH', responseCode: 535 }),
    );
    expect(result.permanent).toBe(false);
  });

  it('gives up an envelope nodemailer refuses before any server reply (an invalid address)', () => {
    expect(
      classifySmtpFailure(smtpError({ message: 'Invalid recipient "x"', code: 'EENVELOPE' })).permanent,
    ).toBe(true);
  });

  it('turns anything thrown into a bounded message', () => {
    expect(classifySmtpFailure('boom')).toEqual({ kind: 'send_failed', message: 'boom', permanent: false });
    expect(classifySmtpFailure(new Error('x'.repeat(2000))).message).toHaveLength(500);
  });
});
