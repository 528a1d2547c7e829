import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const TEST_FILES = ['src/**/*.test.ts', 'test/**/*.test.ts'];

/**
 * Left out of `npm run test:fast` (the `fast` project), which has to stay well under a minute: every test file
 * that starts processes (found by its child_process import, so a new one is left out without being listed),
 * and these in-process ones that take minutes (measured on a 2-core machine: the property test 47–82 s,
 * the live-platforms end-to-end test 30–40 s). `npm test` runs everything.
 */
const SLOW_IN_PROCESS = ['test/scheduler/money.property.test.ts', 'test/api/live-platforms.e2e.test.ts'];

function testFilesStartingProcesses(): string[] {
  return ['src', 'test'].flatMap((folder) =>
    readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .map((file) => join(folder, file))
      .filter((file) => file.endsWith('.test.ts'))
      .filter((file) => /from ['"](node:)?child_process['"]/.test(readFileSync(file, 'utf8'))),
  );
}

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: TEST_FILES,
          exclude: [...testFilesStartingProcesses(), ...SLOW_IN_PROCESS],
          // Files share their worker's module graph instead of each importing Fastify, Kysely, pg and the rest
          // anew (measured on 2 cores: CPU time of the run 91 s -> 32 s). Safe: no test mocks modules or globals.
          isolate: false,
          // Vitest runs one worker on 2 cores by default; these tests mostly wait on PostgreSQL and sockets.
          maxWorkers: 2,
          // Projects with different worker settings run one after the other: the fast ones first.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: [...testFilesStartingProcesses(), ...SLOW_IN_PROCESS],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
