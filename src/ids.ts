import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn from the CSPRNG in 4 KiB blocks: one call per id would cost more than the id.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

function nextRandomByte(): number {
  if (poolOffset === POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

/** `length` characters of base62 drawn from the CSPRNG (rejection sampling keeps them uniform). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = nextRandomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

/** Unguessable ids (~119 bits) with a readable prefix: `vid_…`, `acc_…`. */
export const newId = (prefix: string): string => `${prefix}_${randomBase62(20)}`;

/**
 * Ids that sort by creation time (8 base62 characters of the millisecond clock, then 14 random ones). Rows
 * written in bulk with such keys land at the end of their indexes instead of on random pages.
 */
export function newTimeOrderedId(prefix: string, nowMs: number): string {
  // Ids come in bursts within one millisecond: its encoding is kept.
  if (nowMs !== encodedMs) {
    encodedMs = nowMs;
    encodedTime = base62Encode(BigInt(nowMs), 8);
  }
  return `${prefix}_${encodedTime}${randomBase62(14)}`;
}

let encodedMs = Number.NaN;
let encodedTime = '';

export function base62Encode(value: bigint, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0n) {
    out = ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(width, '0').slice(-width);
}
