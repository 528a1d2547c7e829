import type { TestClock } from '../../src/clock.ts';
import { createSimulatorCollector } from '../../src/platforms/simulator/simulator.ts';
import type { CollectFailure, Collector, PlatformName, VideoRef } from '../../src/platforms/types.ts';
import { createEngine, type Engine, type EngineOptions } from '../../src/scheduler/engine.ts';
import type { TestApi } from './api.ts';

export const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function createTestEngine(api: TestApi, overrides: Partial<EngineOptions> = {}): Engine {
  return createEngine({
    store: api.store,
    clock: api.clock,
    collectorFor: api.parts.collectorFor,
    log: silentLog,
    backoff: { random: () => 0.5 },
    ...overrides,
  });
}

/**
 * A live-mode collector for engine tests: the simulator's numbers, except where the test's `failures` says a
 * collection of a video fails (set and cleared by the test as the story goes on).
 */
export function scriptedCollector(platform: PlatformName, clock: TestClock) {
  const simulator = createSimulatorCollector(platform, clock);
  const failures = new Map<string, CollectFailure>();
  const calls: string[] = [];
  const collector: Collector = {
    platform,
    batchSize: 10,
    async collect(refs: readonly VideoRef[]) {
      calls.push(...refs.map((r) => r.videoId));
      const real = await simulator.collect(refs);
      return refs.map((ref, i) => {
        const failure = failures.get(ref.videoId);
        return failure ? { ok: false as const, error: failure } : real[i]!;
      });
    },
  };
  return { collector, failures, calls };
}
