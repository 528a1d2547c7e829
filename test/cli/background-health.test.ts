// The background work of `serve` and `worker` flushes the source reads its collectors counted: on its
// 30-second beat, and on the way out, so a stopping process loses none.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startBackgroundWork } from '../../src/cli/background.ts';
import { systemClock } from '../../src/clock.ts';
import { testConfig } from '../../src/config.ts';
import { createAttemptRecorder } from '../../src/health/attempt-recorder.ts';
import { sourceAttemptTotals } from '../../src/store/source-health.ts';
import { createTestStore, DIALECTS } from '../support/stores.ts';

describe.each(DIALECTS)('background work (%s)', (dialect) => {
  it.each([
    ['a collecting process', true],
    ['an API-only process (its track probes read platforms too)', false],
  ])(
    'of %s adds the source reads counted in memory to the database when it stops',
    async (_name, scheduler) => {
      const store = await createTestStore(dialect);
      try {
        const attempts = createAttemptRecorder({ store, clock: systemClock });
        const background = await startBackgroundWork({
          store,
          config: testConfig(),
          logger: pino({ level: 'silent' }),
          collectorFor: () => undefined,
          attempts,
          scheduler,
          soleScheduler: false,
        });
        attempts.recordAttempt('youtube', 'youtube-web', 'success');
        attempts.recordAttempt('youtube', 'youtube-web', 'blocked');
        await background.stop();
        const totals = await sourceAttemptTotals(store, 0);
        expect(totals.sort((a, b) => a.outcome.localeCompare(b.outcome))).toEqual([
          { platform: 'youtube', source: 'youtube-web', outcome: 'blocked', attempts: 1 },
          { platform: 'youtube', source: 'youtube-web', outcome: 'success', attempts: 1 },
        ]);
      } finally {
        await store.destroy();
      }
    },
  );
});
