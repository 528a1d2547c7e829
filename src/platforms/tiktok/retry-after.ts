// HTTP Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.

const DAY_MS = 24 * 60 * 60 * 1000;

/** The wait asked for in milliseconds (at most a day), or undefined when there is none we can read. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let waitMs: number;
  if (/^\d+$/.test(trimmed)) {
    waitMs = Number(trimmed) * 1000;
  } else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    waitMs = at - nowMs;
  }
  return waitMs > 0 ? Math.min(waitMs, DAY_MS) : undefined;
}
