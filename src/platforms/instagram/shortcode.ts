// A post's shortcode (the CODE in instagram.com/p/CODE/) is its numeric media id written in base 64
// with the URL-safe alphabet, most significant digit first. Posts of private accounts get 28 more
// characters appended to the shortcode of their media id.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PRIVATE_SUFFIX_LENGTH = 28;

/** The media id a shortcode stands for, or null when it contains a character outside the alphabet. */
export function shortcodeToMediaId(shortcode: string): bigint | null {
  const code =
    shortcode.length > PRIVATE_SUFFIX_LENGTH ? shortcode.slice(0, -PRIVATE_SUFFIX_LENGTH) : shortcode;
  if (code.length === 0) return null;
  let id = 0n;
  for (const char of code) {
    const digit = ALPHABET.indexOf(char);
    if (digit === -1) return null;
    id = id * 64n + BigInt(digit);
  }
  return id;
}

/** The shortcode of a media id (without leading "A", which is a zero digit). */
export function mediaIdToShortcode(mediaId: bigint): string {
  if (mediaId < 0n) throw new RangeError('A media id is never negative');
  if (mediaId === 0n) return ALPHABET[0] as string;
  let code = '';
  for (let rest = mediaId; rest > 0n; rest /= 64n) code = ALPHABET[Number(rest % 64n)] + code;
  return code;
}

/**
 * A media id as Instagram prints it: "3310334721073608659", or the "pk_ownerId" form of `id`
 * ("3310334721073608659_51234567"). Null for anything else.
 */
export function parseMediaId(value: unknown): bigint | null {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string') return null;
  const match = /^(\d+)(?:_\d+)?$/.exec(text);
  return match?.[1] ? BigInt(match[1]) : null;
}

/** True when the shortcode carries the private-post suffix (it is longer than any media id needs). */
export const isPrivatePostShortcode = (shortcode: string): boolean =>
  shortcode.length > PRIVATE_SUFFIX_LENGTH;
