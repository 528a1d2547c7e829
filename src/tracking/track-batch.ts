// POST /videos/track/batch as a domain operation: each item is a track of its own — the same checks, probe and
// write as a single track (track.ts) — with the probes run concurrently (a few at a time per platform) and the
// writes made one at a time in the items' order, each in its own transaction. Money is therefore reserved
// item by item in order: a batch the balance cannot pay for whole starts the items it can pay for, in order,
// and every later one gets the 402 it would get alone.
import type { PlatformName } from '../platforms/types.ts';
import type {
  PreparedTrack,
  TrackError,
  TrackGuard,
  TrackInput,
  TrackingDeps,
  TrackResult,
} from './track.ts';
import { prepareTrack, refusalBefore, writeTrack } from './track.ts';

/** Probes of one platform running at once for one batch: enough to be quick, few enough to look like a person. */
export const PROBES_PER_PLATFORM = 4;

export type BatchItem = Pick<TrackInput, 'videoLink' | 'durationDays' | 'parsedLink' | 'tags' | 'metadata'>;

export interface BatchInput extends Pick<TrackInput, 'accountId' | 'mode' | 'knownAccount'> {
  items: readonly BatchItem[];
  /** Items already answered (a retry resuming a batch interrupted by a crash): neither probed nor written. */
  skip?: ReadonlySet<number>;
  /** The guard of an item's write (the API's Idempotency-Key claim and progress), when there is one. */
  guardFor?: (index: number) => TrackGuard | undefined;
  /** Called with each item's answer, in the items' order, as soon as it is known. */
  onResult?: (index: number, result: TrackResult) => void;
}

/** Each item's answer, in order (undefined for skipped items). */
export async function trackBatch(
  deps: TrackingDeps,
  batch: BatchInput,
): Promise<Array<TrackResult | undefined>> {
  const limits = new Map<string, Limiter>();
  const limiterFor = (item: BatchItem): Limiter => {
    const key = platformOf(item) ?? 'unknown';
    let limiter = limits.get(key);
    if (!limiter) {
      limiter = new Limiter(PROBES_PER_PLATFORM);
      limits.set(key, limiter);
    }
    return limiter;
  };
  const inputOf = (item: BatchItem): TrackInput => ({
    accountId: batch.accountId,
    mode: batch.mode,
    ...(batch.knownAccount ? { knownAccount: batch.knownAccount } : {}),
    ...item,
  });
  // Every probe starts now (bounded per platform); the writes below wait for them one by one, in order.
  const probes: Array<Promise<PreparedTrack> | undefined> = batch.items.map((item, index) =>
    batch.skip?.has(index) ? undefined : limiterFor(item).run(() => prepareTrack(deps, inputOf(item))),
  );
  // A probe that fails is awaited below; meanwhile it must not be an unhandled rejection.
  for (const probe of probes) probe?.catch(() => undefined);

  const results: Array<TrackResult | undefined> = [];
  for (const [index, item] of batch.items.entries()) {
    const probe = probes[index];
    if (!probe) {
      results.push(undefined);
      continue;
    }
    const prepared = await probe;
    let result: TrackResult;
    if (prepared.ok) {
      result = await writeTrack(deps, prepared.value, batch.guardFor?.(index));
    } else {
      // The earlier items may have taken the money or the last free place meanwhile: a refusal of the account
      // comes before the platform's answer, as for a track sent alone now.
      const error: TrackError = await refusalBefore(deps, inputOf(item), prepared.error);
      result = { ok: false, error };
    }
    results.push(result);
    batch.onResult?.(index, result);
  }
  return results;
}

function platformOf(item: BatchItem): PlatformName | undefined {
  const parsed = item.parsedLink;
  if (!parsed || parsed.kind === 'invalid') return undefined;
  return parsed.kind === 'video' ? parsed.ref.platform : parsed.platform;
}

/** At most `limit` tasks at once; the others wait their turn in order. */
class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
