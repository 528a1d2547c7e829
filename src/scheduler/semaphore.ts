/** Limits how many tasks run at once; waiters are served in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** A place at once if one is free and nobody waits for one: the function that gives it back, else undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.limit || this.waiting.length > 0) return undefined;
    this.active++;
    return this.giveBackOnce();
  }

  /** Waits for a place; the function it answers gives the place back (calling it again does nothing). */
  async acquire(): Promise<() => void> {
    const now = this.tryAcquire();
    if (now) return now;
    // A place given back is handed straight to the first waiter (still counted), so nobody can take it between.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.giveBackOnce();
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = this.tryAcquire() ?? (await this.acquire());
    try {
      return await task();
    } finally {
      release();
    }
  }

  private giveBackOnce(): () => void {
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
