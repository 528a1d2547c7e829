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
    encodedTime = base62Digits(nowMs, 8);
  }
  return `${prefix}_${encodedTime}${randomBase62(14)}`;
}

let encodedMs = Number.NaN;
let encodedTime = '';

const TWO_TO_32 = 0x1_0000_0000;

// Base62 digits are made with Number arithmetic: BigInt would allocate at every digit, and ids are made and
// shown on hot paths (every track, every snapshot a video's detail lists).

/** The last `width` base62 digits of `value` (a safe integer; 0 for anything below 1), zero-padded. */
export function base62Digits(value: number, width: number): string {
  let out = '';
  let rest = Math.max(value, 0);
  for (let i = 0; i < width; i++) {
    const next = Math.floor(rest / 62);
    out = ALPHABET[rest - next * 62]! + out;
    rest = next;
  }
  return out;
}

/**
 * The last `width` base62 digits (up to 11, which hold any 64-bit number) of the unsigned 64-bit number
 * `high` · 2^32 + `low` (each half an unsigned 32-bit integer, as Buffer.readUInt32BE reads them).
 */
export function base62DigitsOf64(high: number, low: number, width: number): string {
  let out = '';
  let hi = high;
  let lo = low;
  for (let i = 0; i < width; i++) {
    // Long division by 62 in two limbs: every intermediate stays below 62 · 2^32, well within 2^53.
    const hiNext = Math.floor(hi / 62);
    const carried = (hi - hiNext * 62) * TWO_TO_32 + lo;
    const loNext = Math.floor(carried / 62);
    out = ALPHABET[carried - loNext * 62]! + out;
    hi = hiNext;
    lo = loNext;
  }
  return out;
}
