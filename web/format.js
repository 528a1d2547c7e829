// @ts-check
// Numbers, money and times as people read them. Counts arrive as decimal strings (they may pass 2^53): they
// are grouped as BigInts, so nothing is rounded in the table.

const PLATFORM_NAMES = /** @type {const} */ ({
  tiktok: 'TikTok',
  youtube: 'YouTube',
  instagram: 'Instagram',
  twitter: 'X',
});
export const PLATFORMS = /** @type {const} */ (['tiktok', 'youtube', 'instagram', 'twitter']);
export const STATUSES = /** @type {const} */ (['monitoring', 'paused', 'completed', 'error', 'cancelled']);
export const METRICS = /** @type {const} */ (['views', 'likes', 'comments', 'shares', 'saves']);

/** @param {string} platform */
export function platformName(platform) {
  return /** @type {Record<string, string>} */ (PLATFORM_NAMES)[platform] ?? platform;
}

/**
 * A count in full with digit grouping ("1,234,567"); a dash for null (the platform does not show it).
 * @param {string | number | null | undefined} count
 */
export function fullCount(count) {
  if (count === null || count === undefined || count === '') return '—';
  try {
    return BigInt(count).toLocaleString('en-US');
  } catch {
    return String(count);
  }
}

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
/** @param {string | number | null | undefined} count */
export function compactCount(count) {
  if (count === null || count === undefined || count === '') return '—';
  return compactFormat.format(Number(count));
}

/** A signed change, "+1,234" (growth) or "−5". @param {string | number | null | undefined} delta */
export function signedCount(delta) {
  if (delta === null || delta === undefined || delta === '') return '—';
  const text = fullCount(delta);
  return String(delta).startsWith('-') ? `−${text.slice(1)}` : `+${text}`;
}

const usdFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});
/** @param {number | null | undefined} usd */
export function money(usd) {
  return usd === null || usd === undefined ? '—' : usdFormat.format(usd);
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
/** @param {string | null | undefined} iso */
export function dateTime(iso) {
  return iso ? dateTimeFormat.format(new Date(iso)) : '—';
}

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
/**
 * "3 minutes ago", "in 2 hours".
 * @param {string | null | undefined} iso
 * @param {number} [now]
 */
export function relativeTime(iso, now = Date.now()) {
  if (!iso) return '—';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const steps = /** @type {const} */ ([
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
  ]);
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return relativeFormat.format(value, unit);
    value = Math.round(value / size);
  }
  return relativeFormat.format(value, 'year');
}

/** @param {string} status */
export function statusLabel(status) {
  return status.charAt(0).toUpperCase() + status.slice(1);
}
