import { type CollectResult, failure, type VideoRef } from './types.ts';

/**
 * Collects the videos one at a time — platforms that rate-limit per address are read sequentially within a
 * batch, while the scheduler runs batches in parallel — and keeps the collector's promise never to throw:
 * a bug reading one video costs that one snapshot, not the batch.
 */
export async function collectOneByOne(
  source: string,
  refs: readonly VideoRef[],
  collectOne: (ref: VideoRef) => Promise<CollectResult>,
): Promise<CollectResult[]> {
  const results: CollectResult[] = [];
  for (const ref of refs) {
    try {
      results.push(await collectOne(ref));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push(failure('transient', `${source} collector failed unexpectedly: ${message}`));
    }
  }
  return results;
}
