// The checks every submitted link passes before any platform looks at it. The link itself is never fetched:
// collectors build canonical platform addresses from the video id.

import { err, ok, type Result } from '../result.ts';

export const MAX_URL_LENGTH = 2048;

export interface CheckedLink {
  url: URL;
  /** The hostname, lower case, without a trailing dot or a leading `www.`, `m.` or `mobile.`. */
  host: string;
}

export type Link = Result<CheckedLink, { kind: 'invalid'; message: string }>;

const refused = (message: string): Link => err({ kind: 'invalid', message });

export function readLink(input: string): Link {
  const trimmed = input.trim();
  if (trimmed.length === 0) return refused('Invalid URL format');
  if (trimmed.length > MAX_URL_LENGTH) return refused(`URL longer than ${MAX_URL_LENGTH} characters`);
  // URL parsing would silently drop or percent-encode them, but the link is also kept as submitted.
  if (hasControlCharacter(trimmed)) return refused('URLs with control characters are not accepted');
  // Links pasted without a scheme ("youtu.be/abc") are common; anything with another scheme is refused below.
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return refused('Invalid URL format');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return refused('Only http and https URLs are accepted');
  if (url.username !== '' || url.password !== '') return refused('URLs with credentials are not accepted');
  if (url.port !== '') return refused('URLs with a port are not accepted');
  const hostname = url.hostname.toLowerCase().replace(/\.$/, '');
  if (isIpLiteral(hostname)) return refused('IP addresses are not accepted; use the platform link');
  return ok({ url, host: hostname.replace(/^(www|m|mobile)\./, '') });
}

/** C0 controls and DEL: never part of a link (and PostgreSQL refuses NUL in text). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function isIpLiteral(hostname: string): boolean {
  // WHATWG URL parsing already turns decimal/hex/octal IPv4 forms into dotted quads.
  return hostname.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}
