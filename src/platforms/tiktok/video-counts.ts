// The item carries its counts twice: `statsV2` as exact decimal strings, and `stats` as JSON numbers that
// TikTok rounds on busy videos (and that could not hold counts past 2^53 anyway). Exact strings win; the
// `stats` block is used only when no exact string exists, and the observation is then marked approximate.
// Pages without statsV2 have started to send some `stats` counts as strings ("collectCount":"103"), so
// that block is read in both forms.

import { isRecord, type JsonRecord } from '../json-read.ts';
import type { Metrics } from '../types.ts';

const FIELDS: Record<keyof Metrics, string> = {
  views: 'playCount',
  likes: 'diggCount',
  comments: 'commentCount',
  shares: 'shareCount',
  saves: 'collectCount',
};

export interface VideoCounts {
  metrics: Metrics;
  /** True when at least one count came from the rounded numeric block. */
  approximate: boolean;
}

/** Null when the item carries no readable count at all. */
export function readVideoCounts(item: JsonRecord): VideoCounts | null {
  const exact = isRecord(item['statsV2']) ? item['statsV2'] : {};
  const rounded = isRecord(item['stats']) ? item['stats'] : {};
  let approximate = false;
  let found = 0;
  const metrics = {} as Metrics;
  for (const [metric, field] of Object.entries(FIELDS) as Array<[keyof Metrics, string]>) {
    const fromExact = exactCount(exact[field]);
    const fromRounded = fromExact === null ? fallbackCount(rounded[field]) : null;
    if (fromRounded !== null) approximate = true;
    const value = fromExact ?? fromRounded;
    if (value !== null) found++;
    metrics[metric] = value;
  }
  return found === 0 ? null : { metrics, approximate };
}

/** A count written as a decimal string ("21984337"). Anything else ("2.1M", "-1", "") is no count. */
function exactCount(value: unknown): bigint | null {
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? BigInt(value) : null;
}

/**
 * A `stats` count: a JSON number (only a non-negative integer that survived parsing exactly) or a decimal
 * string of digits only. Anything else ("1.2M", "12,874", " 103") is no count.
 */
function fallbackCount(value: unknown): bigint | null {
  if (typeof value === 'string') return exactCount(value);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
}
