// Request limits in fixed one-minute windows, per key (and per client address for requests without a valid
// key). One API process (embedded mode, SQLite) counts keys in its own memory; API processes that share a
// PostgreSQL database (scale mode) count keys together through it.
import type { Clock } from '../clock.ts';
import { claimRequests, deleteWindowsBefore } from '../store/rate-limit-windows.ts';
import type { Executor } from '../store/transaction.ts';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the current window ends. */
  resetAtSeconds: number;
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;

export interface RateLimiter {
  /** Counts one request; answers at once where it can (always, in memory), else with a promise. */
  take(keyId: string, limitPerMinute: number): RateDecision | Promise<RateDecision>;
}

const windowStartOf = (now: number) => now - (now % WINDOW_MS);

function decision(
  now: number,
  start: number,
  limit: number,
  allowed: boolean,
  remaining: number,
): RateDecision {
  const resetAtMs = start + WINDOW_MS;
  return {
    allowed,
    limit,
    remaining: Math.max(0, remaining),
    resetAtSeconds: Math.ceil(resetAtMs / 1000),
    retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - now) / 1000)),
  };
}

/** The in-memory limiter always answers at once. */
export interface InMemoryRateLimiter extends RateLimiter {
  take(id: string, limitPerMinute: number): RateDecision;
}

/** Ids counted apart past `maxIdsPerWindow` in one minute share this count. */
const OVERFLOW_ID = '\u0000overflow';

export function createRateLimiter(
  clock: Clock,
  options: { maxIdsPerWindow?: number } = {},
): InMemoryRateLimiter {
  const maxIds = options.maxIdsPerWindow ?? Number.POSITIVE_INFINITY;
  const windows = new Map<string, { count: number }>();
  let currentStart = 0;
  return {
    take(id, limit) {
      const now = clock.now();
      const start = windowStartOf(now);
      if (start !== currentStart) {
        // A new minute: counts of the old one are worthless, so drop them all instead of sweeping entries.
        windows.clear();
        currentStart = start;
      }
      let window = windows.get(id);
      if (window === undefined) {
        // Past the cap, ids first seen this minute share one count: memory stays bounded whoever sends.
        const counted = windows.size < maxIds ? id : OVERFLOW_ID;
        window = windows.get(counted) ?? { count: 0 };
        windows.set(counted, window);
      }
      const allowed = window.count < limit;
      if (allowed) window.count++;
      return decision(now, start, limit, allowed, limit - window.count);
    },
  };
}

/**
 * The unit an address is limited as: an IPv4 address itself (an IPv4-mapped IPv6 address is its IPv4 address),
 * an IPv6 address by its /64, the smallest network a provider gives one customer, so a client that owns a /64
 * cannot step around the limit by changing the last 64 bits on every request.
 */
export function addressGroup(address: string): string {
  if (!address.includes(':')) return address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const [head = '', tail = ''] = address.split('%')[0]!.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  // A trailing dotted IPv4 part (64:ff9b::192.0.2.1) stands for two groups.
  const tailGroups = (address.includes('::') && tail !== '' ? tail.split(':') : []).flatMap((group) =>
    group.includes('.') ? ['0', '0'] : [group],
  );
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** About 15 MB of counts at most; addresses past it in a minute share one count. */
const MAX_ADDRESSES_PER_MINUTE = 100_000;

/**
 * Requests without a valid key, counted per client address. In memory in every process, on PostgreSQL too: a
 * shared count would make each refused request from a new address write to the database, which is the load
 * this limit keeps away; behind N API processes an address gets up to N times the limit.
 */
export const createAddressRateLimiter = (clock: Clock): InMemoryRateLimiter =>
  createRateLimiter(clock, { maxIdsPerWindow: MAX_ADDRESSES_PER_MINUTE });

/** At most this share of a key's limit is claimed at a time, so one process holds little that others lack. */
const CLAIM_SHARE = 100;
const MAX_CLAIM = 1_000;

interface ClaimedWindow {
  start: number;
  /** Requests this process has claimed and not used yet. */
  unused: number;
  /** What all processes together had claimed at this process's last claim. */
  claimed: number;
  /** The processes together have claimed the whole limit: refuse without asking the database again. */
  full: boolean;
}

/**
 * A limiter shared by the API processes of one database. Each process claims a part of a key's limit (1/100,
 * at least one request) in one atomic statement and uses it from memory, so the processes together admit at
 * most the limit. The price: near the end of a busy window, a request can be refused by one process while
 * another still holds a few claimed requests (at most 1/100 of the limit each). `X-RateLimit-Remaining` is
 * what the processes had not claimed at this one's last claim, plus what it still holds.
 */
export function createSharedRateLimiter(store: Executor, clock: Clock): RateLimiter {
  const windows = new Map<string, ClaimedWindow>();
  let currentStart = 0;

  const claim = async (keyId: string, window: ClaimedWindow, limit: number, now: number) => {
    const share = Math.min(MAX_CLAIM, Math.max(1, Math.floor(limit / CLAIM_SHARE)));
    // A share while more than a share is left (as far as this process knows), then one request at a time.
    for (const requests of share > 1 && limit - window.claimed >= share ? [share, 1] : [1]) {
      const claimed = await claimRequests(store, keyId, window.start, requests, limit);
      if (claimed !== null) {
        window.claimed = Math.max(window.claimed, claimed);
        window.unused += requests - 1;
        return decision(now, window.start, limit, true, limit - window.claimed + window.unused);
      }
      // Less than this claim is left: from now on, one at a time.
      window.claimed = Math.max(window.claimed, limit - requests + 1);
    }
    window.full = true;
    window.claimed = limit;
    return decision(now, window.start, limit, false, window.unused);
  };

  return {
    take(keyId, limit) {
      const now = clock.now();
      const start = windowStartOf(now);
      if (start !== currentStart) {
        currentStart = start;
        windows.clear();
        // Every process does this once a minute; the rows of past windows are worthless.
        deleteWindowsBefore(store, start).catch(() => undefined);
      }
      let window = windows.get(keyId);
      if (!window) {
        window = { start, unused: 0, claimed: 0, full: false };
        windows.set(keyId, window);
      }
      if (window.unused > 0) {
        window.unused--;
        return decision(now, start, limit, true, limit - window.claimed + window.unused);
      }
      if (window.full || limit <= 0) return decision(now, start, limit, false, 0);
      return claim(keyId, window, limit, now);
    },
  };
}
