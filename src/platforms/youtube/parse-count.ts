// YouTube prints counts for people, in the page's language (we ask for English): "1,234,567",
// "2.5M", "501K", "1.2B", "No comments", "like this video along with 1,234,567 other people".

export interface ParsedCount {
  value: bigint;
  /** False when the text was abbreviated ("2.5M"): the value is only YouTube's rounding. */
  exact: boolean;
}

const SUFFIX_MULTIPLIERS: Record<string, bigint> = { k: 1_000n, m: 1_000_000n, b: 1_000_000_000n };

// The first run of digits, commas and dots, and an abbreviation letter right after it (not the start
// of a word: "12 Mio" is not "12M").
const NUMBER_WITH_SUFFIX = /(\d(?:[\d,.]*\d)?)\s?([kmb](?![a-z]))?/i;
const GROUPED_INTEGER = /^\d{1,3}(?:,\d{3})+$/;
const PLAIN_INTEGER = /^\d+$/;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Reads one count out of a label. Exact forms ("1,234,567", "1234567") give exact values; abbreviated
 * forms ("2.5M") give YouTube's rounded value marked inexact; "No …" is an exact zero. Anything else
 * (a malformed grouping, "1.5" without a unit, no digits) is null — never a guess.
 */
export function parseCount(text: string): ParsedCount | null {
  const normalized = text.replace(/[\u00a0\u202f]/g, ' ').trim();
  if (/^no\s+\p{L}/iu.test(normalized)) return { value: 0n, exact: true };

  const match = NUMBER_WITH_SUFFIX.exec(normalized);
  if (!match) return null;
  const digits = match[1] ?? '';
  const suffix = match[2]?.toLowerCase();

  if (!suffix) {
    if (PLAIN_INTEGER.test(digits) || GROUPED_INTEGER.test(digits)) {
      return { value: BigInt(digits.replaceAll(',', '')), exact: true };
    }
    return null;
  }

  const decimal = DECIMAL.exec(digits);
  const multiplier = SUFFIX_MULTIPLIERS[suffix];
  if (!decimal || multiplier === undefined) return null;
  const whole = decimal[1] ?? '0';
  const fraction = decimal[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(whole + fraction) * multiplier;
  // "1.2345K" would not be a whole number of anything; YouTube never prints that, so neither do we guess.
  if (scaled % scale !== 0n) return null;
  return { value: scaled / scale, exact: false };
}

/** An exact count given as a bare digit string (as YouTube's JSON does: "viewCount": "48213997"). */
export function parseDigitString(value: unknown): bigint | null {
  if (typeof value === 'string' && PLAIN_INTEGER.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return null;
}
