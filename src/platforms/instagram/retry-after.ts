// HTTP Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP date.

/** The wait the server asked for, in milliseconds, or undefined when it gave none we can read. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the HTTP-date form ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone accepts far too much.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}
