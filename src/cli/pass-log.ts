// Each scheduling process logs one line a minute with what it did, so a fleet's division of work shows in the
// logs: `last minute: collected 1200, missed 3, held back 0 (tiktok 800/2/0, youtube 400/1/0)`.
import type { Log } from '../observability/log.ts';
import type { PlatformName } from '../platforms/types.ts';
import type { PlatformPass, RunSummary } from '../scheduler/engine.ts';

export interface PassLog {
  /** Adds a pass's figures to the minute's. */
  add(summary: RunSummary): void;
  /** Logs the minute's line (nothing when nothing was due) and starts a new minute. */
  flush(): void;
  stop(): void;
}

export function startPassLog(log: Log, everyMs = 60_000): PassLog {
  let minute = new Map<PlatformName, PlatformPass>();
  const passLog: PassLog = {
    add(summary) {
      for (const [platform, pass] of Object.entries(summary.byPlatform) as Array<
        [PlatformName, PlatformPass]
      >) {
        const total = minute.get(platform) ?? { collected: 0, missed: 0, heldBack: 0 };
        total.collected += pass.collected;
        total.missed += pass.missed;
        total.heldBack += pass.heldBack;
        minute.set(platform, total);
      }
    },
    flush() {
      const platforms = [...minute].sort(([a], [b]) => a.localeCompare(b));
      minute = new Map();
      if (platforms.length === 0) return;
      const sum = (field: keyof PlatformPass) => platforms.reduce((n, [, pass]) => n + pass[field], 0);
      const totals = { collected: sum('collected'), missed: sum('missed'), held_back: sum('heldBack') };
      const parts = platforms.map(([name, p]) => `${name} ${p.collected}/${p.missed}/${p.heldBack}`);
      log.info(
        {
          ...totals,
          by_platform: Object.fromEntries(
            platforms.map(([name, p]) => [
              name,
              { collected: p.collected, missed: p.missed, held_back: p.heldBack },
            ]),
          ),
        },
        `last minute: collected ${totals.collected}, missed ${totals.missed}, held back ${totals.held_back} (${parts.join(', ')})`,
      );
    },
    stop() {
      clearInterval(timer);
    },
  };
  const timer = setInterval(() => passLog.flush(), everyMs);
  timer.unref();
  return passLog;
}
