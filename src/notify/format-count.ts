// Counts for people: exact (BigInt, counts can exceed 2^53), with thousands separators, and a missing metric
// shown as a dash — never as 0, which would claim the platform reported zero.

export const NOT_EXPOSED = '—';

/** "1234567" → "1,234,567"; null (the platform does not expose it) → "—". */
export function formatCount(value: bigint | null): string {
  if (value === null) return NOT_EXPOSED;
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString();
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A change with its sign: "+1,234", "-56", "0"; null → "—". */
export function formatGrowth(delta: bigint | null): string {
  if (delta === null) return NOT_EXPOSED;
  return delta > 0n ? `+${formatCount(delta)}` : formatCount(delta);
}

/** The change relative to the start, one decimal: "+12.3%"; null when there is no meaningful base (start 0 or unknown). */
export function formatGrowthPercent(start: bigint | null, delta: bigint | null): string | null {
  if (start === null || delta === null || start <= 0n) return null;
  // Tenths of a percent, rounded half away from zero, all in integers so huge counts stay exact.
  const scaled = delta * 1000n;
  const tenths = (scaled + (scaled >= 0n ? start / 2n : -start / 2n)) / start;
  const magnitude = tenths < 0n ? -tenths : tenths;
  const text = `${formatCount(magnitude / 10n)}.${magnitude % 10n}%`;
  if (tenths > 0n) return `+${text}`;
  if (tenths < 0n) return `-${text}`;
  return text;
}

/** Decimal string from the store (or null) → BigInt (or null). */
export function parseCount(value: string | null): bigint | null {
  return value === null ? null : BigInt(value);
}
