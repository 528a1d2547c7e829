// Baseline: a bare Fastify hello-world route, measured the same way as the real endpoints, in a process set up
// as the contentstats process sets itself up (its V8 settings), so the two differ only in what they do.
import Fastify from 'fastify';
import { applyV8Settings } from '../../src/cli/v8-settings.ts';

applyV8Settings();

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
