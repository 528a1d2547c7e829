// Turns a user-supplied link into (platform, video id). The link itself is never fetched: collectors build
// canonical platform addresses from the id (short links aside, resolved inside the platform's hosts).
import { parseInstagramPath } from './instagram/url.ts';
import { parseTikTokPath } from './tiktok/url.ts';
import { parseTwitterPath } from './twitter/url.ts';
import type { PlatformName, UrlParse } from './types.ts';
import { parseYouTubePath } from './youtube/url.ts';

export const MAX_URL_LENGTH = 2048;

type PathParser = (url: URL, host: string) => UrlParse;

/**
 * Registrable host (after dropping www./m./mobile.) → platform and its path parser. A Map, not an object
 * literal: the host comes from the user, and "constructor" or "__proto__" must find nothing.
 */
const HOSTS: ReadonlyMap<string, { platform: PlatformName; parse: PathParser }> = new Map([
  ['tiktok.com', { platform: 'tiktok', parse: parseTikTokPath }],
  ['vm.tiktok.com', { platform: 'tiktok', parse: parseTikTokPath }],
  ['vt.tiktok.com', { platform: 'tiktok', parse: parseTikTokPath }],
  ['youtube.com', { platform: 'youtube', parse: parseYouTubePath }],
  ['music.youtube.com', { platform: 'youtube', parse: parseYouTubePath }],
  ['youtu.be', { platform: 'youtube', parse: parseYouTubePath }],
  ['youtube-nocookie.com', { platform: 'youtube', parse: parseYouTubePath }],
  ['instagram.com', { platform: 'instagram', parse: parseInstagramPath }],
  ['twitter.com', { platform: 'twitter', parse: parseTwitterPath }],
  ['x.com', { platform: 'twitter', parse: parseTwitterPath }],
]);

const invalid = (message: string): UrlParse => ({ kind: 'invalid', message });

export function parseVideoUrl(input: string): UrlParse {
  const trimmed = input.trim();
  if (trimmed.length === 0) return invalid('Invalid URL format');
  if (trimmed.length > MAX_URL_LENGTH) return invalid(`URL longer than ${MAX_URL_LENGTH} characters`);
  // URL parsing would silently drop or percent-encode them, but the link is also kept as submitted.
  if (hasControlCharacter(trimmed)) return invalid('URLs with control characters are not accepted');
  // Links pasted without a scheme ("youtu.be/abc") are common; anything with another scheme is refused below.
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return invalid('Invalid URL format');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return invalid('Only http and https URLs are accepted');
  if (url.username !== '' || url.password !== '') return invalid('URLs with credentials are not accepted');
  if (url.port !== '') return invalid('URLs with a port are not accepted');
  const hostname = url.hostname.toLowerCase().replace(/\.$/, '');
  if (isIpLiteral(hostname)) return invalid('IP addresses are not accepted; use the platform link');
  const host = hostname.replace(/^(www|m|mobile)\./, '');
  const entry = HOSTS.get(host);
  if (!entry) return invalid('Unsupported platform: use a TikTok, YouTube, Instagram or X link');
  return entry.parse(url, host);
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
