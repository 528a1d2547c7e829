// The real service (embedded mode, SQLite file, no scheduler) with one account whose limits do not get in the way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount } from '../../src/accounts/accounts.ts';
import { applyV8Settings } from '../../src/cli/v8-settings.ts';
import { systemClock } from '../../src/clock.ts';
import { composeService } from '../../src/compose.ts';
import { testConfig } from '../../src/config.ts';
import { updateAccountSettings } from '../../src/store/accounts.ts';
import { openStore } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';

// As the contentstats process does before any command (src/cli/main.ts).
applyV8Settings();

const dir = mkdtempSync(join(tmpdir(), 'contentstats-bench-'));
const store = openStore(`sqlite:${join(dir, 'bench.db')}`, { backgroundCheckpoints: true });
await migrateToLatest(store);
const created = await createAccount(store, {
  email: 'bench@example.com',
  plan: 'enterprise',
  creditMicroUsd: 1_000_000_000,
  now: Date.now(),
});
if (!created.ok) throw new Error('account');
// Enterprise: no limit on videos monitored at once; the request rate is lifted so the limiter never answers 429.
await updateAccountSettings(store, created.value.account.id, { rate_limit_per_minute: 100_000_000 });
const { app, context } = await composeService({
  store,
  config: testConfig(),
  clock: systemClock,
  liveCollectors: {},
});
context.readiness.ready = true;
await app.listen({ port: 0, host: '127.0.0.1' });
// Each bench round starts a fresh server: its database goes with it.
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
});
const address = app.server.address();
process.send?.({
  port: typeof address === 'object' && address ? address.port : 0,
  liveKey: created.value.liveKey.key,
  testKey: created.value.testKey.key,
});
