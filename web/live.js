// @ts-check
// Pages that refresh themselves while they are open: a tick runs again after the delay it asks for, only while
// the tab is visible (a hidden tab makes no request), and at once on coming back if one fell due meanwhile.
// Ticks never overlap: one asked for while another runs follows it.

/**
 * @param {() => Promise<void>} tick
 * @param {() => number} delayMs asked after each tick (and at the start): how long until the next
 * @returns {{stop: () => void, runNow: () => void, reschedule: () => void}}
 */
export function repeatWhileVisible(tick, delayMs) {
  /** @type {number | undefined} */
  let timer;
  let dueAt = 0;
  let running = false;
  let again = false;
  let stopped = false;

  function arm() {
    window.clearTimeout(timer);
    if (stopped) return;
    const wait = Math.max(0, delayMs());
    dueAt = Date.now() + wait;
    if (!document.hidden) timer = window.setTimeout(run, wait);
  }

  async function run() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (document.hidden) return;
    running = true;
    window.clearTimeout(timer);
    try {
      await tick();
    } catch {
      // A failed tick (the service unreachable) is tried again at the next one.
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      void run();
    } else arm();
  }

  function onVisibility() {
    if (stopped) return;
    window.clearTimeout(timer);
    if (document.hidden) return;
    const wait = dueAt - Date.now();
    if (wait <= 0) void run();
    else timer = window.setTimeout(run, wait);
  }

  document.addEventListener('visibilitychange', onVisibility);
  arm();
  return {
    stop() {
      stopped = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    },
    runNow() {
      void run();
    },
    /** Asks for the delay again (what it depends on changed). */
    reschedule() {
      if (!running) arm();
    },
  };
}

/**
 * How long to wait for something due at `dueMs`: until a second after it, within [min, max]; once it is
 * overdue (the collection runs late), half the lateness, so a stalled schedule is asked less and less often.
 * @param {number | null} dueMs
 * @param {number} minMs
 * @param {number} maxMs
 * @param {number} [now]
 */
export function waitFor(dueMs, minMs, maxMs, now = Date.now()) {
  if (dueMs === null || Number.isNaN(dueMs)) return maxMs;
  const until = dueMs - now + 1_000;
  const wait = until > 0 ? until : -until / 2;
  return Math.min(maxMs, Math.max(minMs, wait));
}
