// Counts are exact: a JSON number is taken only when it is a non-negative safe integer, a decimal string
// only when it is all digits. Anything else is "not given" (null) — never 0, never rounded.

const DECIMAL_DIGITS = /^\d{1,20}$/;

export function countFromNumber(value: unknown): bigint | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
}

/** X sends view counts as strings (`views.count: "1843921"`); parse them without passing through a float. */
export function countFromDecimalString(value: unknown): bigint | null {
  return typeof value === 'string' && DECIMAL_DIGITS.test(value) ? BigInt(value) : null;
}

/** A sum is only as known as its parts: with one part missing the total is unknown, not the other part. */
export function sumOfCounts(...parts: readonly (bigint | null)[]): bigint | null {
  let total = 0n;
  for (const part of parts) {
    if (part === null) return null;
    total += part;
  }
  return total;
}
