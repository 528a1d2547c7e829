import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from './map-with-concurrency.ts';

/** A task per item that finishes only when the test says so, counting how many run at once. */
function gatedWork() {
  const gates = new Map<number, () => void>();
  let running = 0;
  let mostAtOnce = 0;
  const work = async (item: number): Promise<string> => {
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    await new Promise<void>((resolve) => gates.set(item, resolve));
    running--;
    return `done ${item}`;
  };
  const open = async (item: number) => {
    // Let the workers reach their gates before opening one.
    while (!gates.has(item)) await new Promise((resolve) => setImmediate(resolve));
    gates.get(item)?.();
  };
  return { work, open, mostAtOnce: () => mostAtOnce };
}

describe('mapWithConcurrency', () => {
  it('keeps the order of the items whatever order the work finishes in', async () => {
    const gated = gatedWork();
    const results = mapWithConcurrency([1, 2, 3, 4], 4, gated.work);
    for (const item of [4, 2, 3, 1]) await gated.open(item);
    expect(await results).toEqual(['done 1', 'done 2', 'done 3', 'done 4']);
  });

  it('never runs more than the limit at once', async () => {
    const gated = gatedWork();
    const results = mapWithConcurrency([1, 2, 3, 4, 5], 2, gated.work);
    for (const item of [1, 2, 3, 4, 5]) await gated.open(item);
    await results;
    expect(gated.mostAtOnce()).toBe(2);
  });

  it('answers an empty list with an empty list, and still works with a limit below one', async () => {
    expect(await mapWithConcurrency([], 4, async (item: number) => item)).toEqual([]);
    expect(await mapWithConcurrency([1, 2], 0, async (item) => item * 10)).toEqual([10, 20]);
  });
});
