// API key format: `cs_live_` or `cs_test_`, then 26 random base62 characters and a 6-character checksum of
// them. The checksum lets a malformed or mistyped key be refused without reading the database.
import { createHash, timingSafeEqual } from 'node:crypto';
import { base62DigitsOf64, randomBase62 } from '../ids.ts';
import type { Mode } from '../store/schema.ts';

const RANDOM_LENGTH = 26;
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = /^cs_(live|test)_([0-9A-Za-z]{32})$/;
export const KEY_PREFIX_LENGTH = 12;

function checksum(mode: Mode, random: string): string {
  const digest = createHash('sha256').update(`cs_${mode}_${random}`).digest();
  return base62DigitsOf64(digest.readUInt32BE(0), digest.readUInt32BE(4), CHECKSUM_LENGTH);
}

export interface GeneratedKey {
  key: string;
  mode: Mode;
  prefix: string;
  hash: string;
}

export function generateApiKey(mode: Mode): GeneratedKey {
  const random = randomBase62(RANDOM_LENGTH);
  const key = `cs_${mode}_${random}${checksum(mode, random)}`;
  return { key, mode, prefix: key.slice(0, KEY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/**
 * What is stored of a secret that is shown once (an API key, a share link's token): its SHA-256, hex. The
 * secrets are random and long, so a plain hash is enough, and looking one up by its hash is constant-time.
 */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const hashApiKey = hashSecret;

/** The key's mode when it is well formed and its checksum matches; null otherwise. */
export function checkApiKeyFormat(key: string): Mode | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const mode = match[1] as Mode;
  const body = match[2]!;
  const expected = Buffer.from(checksum(mode, body.slice(0, RANDOM_LENGTH)));
  const given = Buffer.from(body.slice(RANDOM_LENGTH));
  return timingSafeEqual(expected, given) ? mode : null;
}
