// For tests that run the real `contentstats` process: a free port, and the environment it starts with.
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { childDatabaseUrl, type TestStore } from './stores.ts';

/**
 * The script tests run as the `contentstats` process: the sources through tsx (bin/contentstats.js runs the
 * compiled dist/, which a checkout may not have or may have from older sources; test/build covers it).
 */
export const CONTENTSTATS_BIN = fileURLToPath(new URL('./contentstats-from-source.js', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Only what the process needs (nothing of this test run's own environment leaks in), on the test's database. */
export function childEnv(store: TestStore, settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    ...(process.env['TMPDIR'] ? { TMPDIR: process.env['TMPDIR'] } : {}),
    DATABASE_URL: childDatabaseUrl(store),
    ...settings,
  };
}
