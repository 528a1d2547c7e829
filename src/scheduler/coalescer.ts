// Shares one unit of work (a transaction) between the callers that arrive while the previous one runs.

/**
 * Runs `work` on one group of items at a time. Items handed in while a group runs wait, and all that waited go
 * together in the next group, up to `maxItems` (one caller's items are never split, so a larger call goes alone).
 * Each caller gets back the results of its own items, in order; if `work` throws, every caller of that group
 * gets the error and the next group still runs.
 */
export function coalescer<I, R>(
  work: (items: readonly I[]) => Promise<readonly R[]>,
  maxItems: number,
): (items: readonly I[]) => Promise<R[]> {
  const queue: Array<{
    items: readonly I[];
    resolve: (results: R[]) => void;
    reject: (error: unknown) => void;
  }> = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      const group = [queue.shift()!];
      let count = group[0]!.items.length;
      while (queue.length > 0 && count + queue[0]!.items.length <= maxItems) {
        const next = queue.shift()!;
        group.push(next);
        count += next.items.length;
      }
      try {
        const results = await work(group.flatMap((entry) => entry.items));
        if (results.length !== count) throw new Error(`${results.length} results for ${count} items`);
        let offset = 0;
        for (const entry of group) {
          entry.resolve(results.slice(offset, offset + entry.items.length));
          offset += entry.items.length;
        }
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
    running = false;
  }

  return (items) =>
    new Promise<R[]>((resolve, reject) => {
      queue.push({ items, resolve, reject });
      if (!running) void drain();
    });
}
