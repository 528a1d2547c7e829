// The real service on an existing SQLite database (BENCH_DB), for the export benchmark: answers a "rss" message
// with this process's resident set size now and at its peak.
import { systemClock } from '../../src/clock.ts';
import { composeService } from '../../src/compose.ts';
import { testConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/database.ts';

const store = openStore(`sqlite:${process.env.BENCH_DB}`, { backgroundCheckpoints: true });
const { app, context } = await composeService({
  store,
  config: testConfig({ requestTimeoutMs: 600_000 }),
  clock: systemClock,
  liveCollectors: {},
});
context.readiness.ready = true;
await app.listen({ port: 0, host: '127.0.0.1' });
process.on('message', (message) => {
  if (message === 'rss') {
    process.send?.({
      rssBytes: process.memoryUsage().rss,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    });
  }
});
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .finally(() => process.exit(0));
});
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
