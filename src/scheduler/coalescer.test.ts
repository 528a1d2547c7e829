import { describe, expect, it } from 'vitest';
import { coalescer } from './coalescer.ts';

/** Work whose every run waits until the test finishes it; records the groups it was given. */
function heldWork() {
  const groups: number[][] = [];
  const finish: Array<(fail?: Error) => void> = [];
  const work = (items: readonly number[]) =>
    new Promise<string[]>((resolve, reject) => {
      groups.push([...items]);
      finish.push((fail) => (fail ? reject(fail) : resolve(items.map((i) => `r${i}`))));
    });
  return { work, groups, finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescer', () => {
  it('runs a lone call at once, alone', async () => {
    const held = heldWork();
    const run = coalescer(held.work, 10);
    const answer = run([1, 2]);
    expect(held.groups).toEqual([[1, 2]]);
    held.finish[0]!();
    expect(await answer).toEqual(['r1', 'r2']);
  });

  it('runs the calls made while a group runs together next, each answered with its own results', async () => {
    const held = heldWork();
    const run = coalescer(held.work, 10);
    const first = run([1]);
    const second = run([2, 3]);
    const third = run([4]);
    expect(held.groups).toEqual([[1]]);
    held.finish[0]!();
    await tick();
    expect(held.groups).toEqual([[1], [2, 3, 4]]);
    held.finish[1]!();
    expect(await Promise.all([first, second, third])).toEqual([['r1'], ['r2', 'r3'], ['r4']]);
  });

  it('puts at most maxItems in a group, never splitting a call', async () => {
    const held = heldWork();
    const run = coalescer(held.work, 3);
    const answers = [run([1]), run([2, 3]), run([4]), run([5, 6, 7, 8])];
    held.finish[0]!();
    await tick();
    held.finish[1]!();
    await tick();
    held.finish[2]!();
    await Promise.all(answers);
    expect(held.groups).toEqual([[1], [2, 3, 4], [5, 6, 7, 8]]);
  });

  it('fails only the calls of a failing group; the next group still runs', async () => {
    const held = heldWork();
    const run = coalescer(held.work, 10);
    const first = run([1]);
    const second = run([2]);
    held.finish[0]!(new Error('database gone'));
    await expect(first).rejects.toThrow('database gone');
    await tick();
    held.finish[1]!();
    expect(await second).toEqual(['r2']);
  });
});
