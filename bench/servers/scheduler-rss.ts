// Runs the engine over an existing database until nothing is due, then reports its peak RSS.
import { systemClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import { createEngine } from '../../src/scheduler/engine.ts';
import { openStore } from '../../src/store/database.ts';

const store = openStore(`sqlite:${process.env.BENCH_DB}`, { backgroundCheckpoints: true });
const simulator = createSimulatorCollector('tiktok', systemClock);
const engine = createEngine({
  store,
  clock: systemClock,
  collectorFor: () => simulator,
  log: { info: () => undefined, warn: () => undefined, error: () => undefined },
});
let stored = 0;
for (let pass = 0; pass < 3; pass++) stored += (await engine.runDue()).fates.stored;
await store.close();
process.send?.({ maxRssBytes: process.resourceUsage().maxRSS * 1024, stored });
