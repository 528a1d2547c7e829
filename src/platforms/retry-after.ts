// HTTP Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Shared by every platform's collector.

const DAY_MS = 24 * 60 * 60 * 1000;
// Only the IMF-fixdate form ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone accepts far too much.
const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** The wait the server asked for in milliseconds (at most a day), or undefined when it gave no future time. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let waitMs: number;
  if (/^\d+$/.test(trimmed)) {
    waitMs = Number(trimmed) * 1000;
  } else if (HTTP_DATE.test(trimmed)) {
    waitMs = Date.parse(trimmed) - nowMs;
  } else {
    return undefined;
  }
  return Number.isFinite(waitMs) && waitMs > 0 ? Math.min(waitMs, DAY_MS) : undefined;
}
