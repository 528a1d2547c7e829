// The checks a webhook URL passes at registration. What it resolves to is checked again at every delivery,
// against the address actually connected (src/http/address-guard.ts), since DNS can change after this.
import { isIP } from 'node:net';
import { err, ok, type Result } from '../result.ts';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export type InvalidUrl = { kind: 'invalid_url'; message: string };
const invalid = (message: string) => err<InvalidUrl>({ kind: 'invalid_url', message });

export interface WebhookUrlPolicy {
  /** WEBHOOK_ALLOW_HTTP: plain http is accepted too (self-hosted setups on a private network). */
  allowHttp: boolean;
}

/** The URL as it will be called (normalised by the URL parser), or why it is refused. */
export function checkWebhookUrl(input: string, policy: WebhookUrlPolicy): Result<string, InvalidUrl> {
  if (input.length > MAX_WEBHOOK_URL_LENGTH) {
    return invalid(`url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  // The parser would quietly drop tabs and newlines, and strip spaces at the ends.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u0020\u007f-\u009f]/.test(input)) {
    return invalid('url must not contain spaces or control characters');
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return invalid('url must be an absolute https:// URL');
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    return invalid(
      policy.allowHttp ? 'url must be an http:// or https:// URL' : 'url must be an https:// URL',
    );
  }
  if (url.username !== '' || url.password !== '') {
    return invalid('url must not contain credentials (user:password@)');
  }
  // The parser writes every IPv4 form (decimal, octal, hex) as dotted quads and IPv6 in brackets.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) !== 0) return invalid('url must name a host, not an IP address');
  if (host === '' || host.endsWith('.')) return invalid('url must name a host');
  if (url.hash !== '') return invalid('url must not contain a fragment (#…)');
  return ok(url.href);
}
