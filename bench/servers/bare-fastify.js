// The start benchmark's baseline: a bare Fastify process answering /readyz, plain JavaScript started by node
// exactly as the compiled service is (no loader), on the port in PORT.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
