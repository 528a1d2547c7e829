// Every time in the API is an ISO 8601 instant with milliseconds ("2026-11-26T17:21:09.123Z"). Date's
// toISOString costs more than a microsecond, and a video's detail shows one per snapshot (up to 720): the
// date part is formatted once per day and the time of day by arithmetic, with the same result.

const DAY_MS = 86_400_000;
/** Date holds instants up to this many milliseconds either side of the epoch. */
const DATE_LIMIT_MS = 8_640_000_000_000_000;

let formattedDay = Number.NaN;
let dayPrefix = '';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** The instant `ms` (milliseconds since the epoch) as toISOString writes it; RangeError outside Date's range. */
export function iso(ms: number): string {
  // What Date cannot hold (or NaN), or a fraction of a millisecond: toISOString throws, or truncates.
  if (!Number.isInteger(ms) || ms > DATE_LIMIT_MS || ms < -DATE_LIMIT_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== formattedDay) {
    dayPrefix = new Date(ms).toISOString().slice(0, -13);
    formattedDay = day;
  }
  const time = ms - day * DAY_MS;
  return `${dayPrefix}${pad2(Math.floor(time / 3_600_000))}:${pad2(Math.floor(time / 60_000) % 60)}:${pad2(
    Math.floor(time / 1000) % 60,
  )}.${pad3(time % 1000)}Z`;
}
