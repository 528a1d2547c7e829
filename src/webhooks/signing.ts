// Standard Webhooks signing (https://www.standardwebhooks.com): the signature is the base64 HMAC-SHA256 of
// "{webhook-id}.{webhook-timestamp}.{body}" keyed by the base64-decoded part of the secret after "whsec_".
// During a rotation both secrets sign, space-separated, and a receiver accepts either.
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 24 random bytes (the Standard Webhooks range is 24–64), base64, prefixed. */
export const newWebhookSecret = (): string => `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;

export function signatureOf(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The webhook-signature header: one signature per secret that still signs. */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  return secrets.map((secret) => signatureOf(secret, id, timestampSeconds, body)).join(' ');
}
