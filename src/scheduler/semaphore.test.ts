import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.ts';

describe('Semaphore', () => {
  it('gives a place at once while one is free, and none past the limit', async () => {
    const pool = new Semaphore(2);
    const first = pool.tryAcquire();
    const second = pool.tryAcquire();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(pool.tryAcquire()).toBeUndefined();
    first!();
    first!();
    // Given back once, however often it is called.
    const third = pool.tryAcquire();
    expect(third).toBeDefined();
    expect(pool.tryAcquire()).toBeUndefined();
  });

  it('hands a place given back to the first waiter: nobody takes it in between', async () => {
    const pool = new Semaphore(1);
    const holder = pool.tryAcquire()!;
    const order: string[] = [];
    const a = pool.acquire().then((release) => {
      order.push('a');
      return release;
    });
    const b = pool.acquire().then((release) => {
      order.push('b');
      return release;
    });
    holder();
    // The place is a's already, though a has not run yet.
    expect(pool.tryAcquire()).toBeUndefined();
    (await a)();
    expect(pool.tryAcquire()).toBeUndefined();
    (await b)();
    expect(order).toEqual(['a', 'b']);
    expect(pool.tryAcquire()).toBeDefined();
  });

  it('runs at most `limit` tasks at once', async () => {
    const pool = new Semaphore(3);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pool.run(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, i % 3));
          running--;
        }),
      ),
    );
    expect(most).toBe(3);
  });
});
