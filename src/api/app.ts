// Builds the Fastify application: service endpoints, /api/v1 (key auth + rate limits), /admin/v1, docs.
import { timingSafeEqual } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteOptions,
} from 'fastify';
import { effectiveLimits } from '../billing/plans.ts';
import type { TrustProxy } from '../config.ts';
import { newId } from '../ids.ts';
import type { Account } from '../store/schema.ts';
import type { AuthResult } from './auth.ts';
import { compressAnswer } from './compression.ts';
import type { ApiContext } from './context.ts';
import { registerRoute } from './contract/route.ts';
import { dashboardAssets } from './dashboard/assets.ts';
import { registerDashboard } from './dashboard/routes.ts';
import { type ApiErrorReply, frameworkErrorReply, internalError, sendError } from './errors.ts';
import { buildOpenApiDocument, openApiDocumentRoute } from './openapi.ts';
import { addressGroup, type RateDecision } from './rate-limit.ts';
import { ADMIN_ROUTES, API_ROUTES, SERVICE_ROUTES } from './routes/index.ts';

function trustedHops(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

export const BODY_LIMIT_BYTES = 16 * 1024;
const PROBE_PATHS = new Set(['/livez', '/readyz', '/metrics']);
const MAX_PARAM_LENGTH = 16 * 1024;

/** `onRoute` is told of every route as it is registered (the contract test compares them with the document). */
export async function buildApp(
  ctx: ApiContext,
  logger?: FastifyBaseLogger,
  onRoute?: (route: RouteOptions) => void,
): Promise<FastifyInstance> {
  // Request ids need only be unique: a random prefix per process and a counter.
  const requestIdPrefix = `${newId('req')}_`;
  let requestCount = 0;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => requestIdPrefix + (requestCount++).toString(36),
    // Behind a proxy, X-Forwarded-* describe the client; the operator decides by setting TRUST_PROXY. A number
    // trusts that many hops nearest to this server (Fastify's own integer form, written as its function).
    trustProxy: trustedHops(ctx.config.trustProxy),
    return503OnClosing: true,
    // Over-long ids reach their route, which answers the resource's own 404 (and only after the key is
    // checked). No request line is longer than Node's 16 KiB header limit.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Routing errors (bad percent-encoding) come here, before any hook: Fastify's default answer quotes the URL.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      return sendError(reply, frameworkErrorReply(error) ?? internalError);
    },
    // A client that sends its request slowly would hold its connection for as long as it likes: it must send
    // the headers, then the whole request, in time. Node checks these every connectionsCheckingInterval (30 s
    // by default, later than the timeouts themselves), so it checks at a quarter of the headers timeout.
    requestTimeout: ctx.config.requestTimeoutMs,
    keepAliveTimeout: ctx.config.keepAliveTimeoutMs,
    http: {
      headersTimeout: ctx.config.headersTimeoutMs,
      requestTimeout: ctx.config.requestTimeoutMs,
      keepAliveTimeout: ctx.config.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(ctx.config.headersTimeoutMs / 4))),
    },
  });
  // Node reports a timed-out request as a client error (answered 408 and closed by Fastify's own listener).
  const timedOut = 'contentstats_http_connections_timed_out_total';
  ctx.metrics.increment(timedOut, {}, 0);
  app.server.on('clientError', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') ctx.metrics.increment(timedOut);
  });

  if (onRoute) app.addHook('onRoute', onRoute);
  // Probes and scrapes arrive every few seconds from every orchestrator and Prometheus: logged only when they
  // go wrong (warn and above), not a line per request at info.
  app.addHook('onRoute', (route) => {
    if (PROBE_PATHS.has(route.url)) route.logLevel = 'warn';
  });
  // JSON only: a text/plain body is refused with 415 instead of reaching validation as a string.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('auth', null as never);
  // Callback-style hooks: on every request, an async hook's extra promise is measurable. One hook, as the answer
  // is sent, names it (X-Request-Id) and counts it by route and status: the request id set on arrival and the
  // count taken in an onResponse hook cost a request two hook runs, and onResponse makes Fastify listen for the
  // end of every response besides.
  const countRequest = ctx.metrics.pairCounter('contentstats_http_requests_total', ['route', 'status']);
  // The same hook compresses an answer worth it (compression.ts): most are too small, a cheap length test.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    countRequest(request.routeOptions.url ?? 'unmatched', String(reply.statusCode));
    compressAnswer(request, reply, payload, done);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = frameworkErrorReply(error);
    if (answer) return sendError(reply, answer);
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, internalError);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'Not found' }));

  for (const group of SERVICE_ROUTES) group.register(app, ctx);

  const openApi = buildOpenApiDocument(ctx.config);
  registerRoute(app, openApiDocumentRoute, async () => openApi);
  await app.register(swagger, { mode: 'static', specification: { document: openApi as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerDashboard(app, dashboardAssets());

  await app.register(
    async (api) => {
      // Callback style: a cached key is answered without a promise, on nearly every request. (No closure is
      // made per request either: tsx names every function it creates, which costs measurably per request.)
      const rateHeaders = (reply: FastifyReply, decision: RateDecision) =>
        reply
          .header('x-ratelimit-limit', decision.limit)
          .header('x-ratelimit-remaining', decision.remaining)
          .header('x-ratelimit-reset', decision.resetAtSeconds);
      const overLimit = (reply: FastifyReply, decision: RateDecision) =>
        reply
          .code(429)
          .header('retry-after', decision.retryAfterSeconds)
          .send({ error: 'Rate limit exceeded', limit: decision.limit, reset: decision.resetAtSeconds });
      const limit = (reply: FastifyReply, done: () => void, account: Account, decision: RateDecision) => {
        rateHeaders(reply, decision);
        if (!decision.allowed) return overLimit(reply, decision);
        if (account.disabled) {
          return reply.code(403).send({ error: 'Access denied', message: 'This account is disabled' });
        }
        done();
      };
      // Without a valid key there is no key's limit to draw on: the client address (the forwarded one under
      // TRUST_PROXY) has its own, so a flood of refused requests is refused cheaply, with the same headers.
      const refuse = (request: FastifyRequest, reply: FastifyReply, error: ApiErrorReply) => {
        const decision = ctx.addressRateLimiter.take(
          addressGroup(request.ip),
          ctx.config.unauthenticatedRateLimitPerMinute,
        );
        rateHeaders(reply, decision);
        if (!decision.allowed) return overLimit(reply, decision);
        return sendError(reply, error);
      };
      const admit = (
        request: FastifyRequest,
        reply: FastifyReply,
        done: (error?: Error) => void,
        auth: AuthResult,
      ) => {
        if (!auth.ok) return refuse(request, reply, auth.error);
        request.auth = auth.context;
        const { account } = auth.context;
        const { requestsPerMinute } = effectiveLimits(account);
        const decision = ctx.rateLimiter.take(auth.context.keyId, requestsPerMinute);
        if (decision instanceof Promise) {
          decision.then((decided) => limit(reply, done, account, decided), done);
        } else {
          limit(reply, done, account, decision);
        }
      };
      // onRequest, before the body is read: a request refused for its body (413, 415, malformed JSON) is still
      // a request of the key, counted and answered with its X-RateLimit-* headers.
      api.addHook('onRequest', (request, reply, done) => {
        const auth = ctx.authenticator.authenticate(request.headers['x-api-key']);
        if (auth instanceof Promise) auth.then((found) => admit(request, reply, done, found), done);
        else admit(request, reply, done, auth);
      });
      for (const group of API_ROUTES) group.register(api, ctx);
    },
    { prefix: '/api/v1' },
  );

  await app.register(
    async (admin) => {
      admin.addHook('preHandler', async (request, reply) => {
        const token = ctx.config.adminToken;
        if (!token) return reply.code(404).send({ error: 'Not found' });
        const header = request.headers.authorization ?? '';
        const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
        const expected = Buffer.from(token);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          return reply.code(401).send({ error: 'Invalid admin token' });
        }
      });
      for (const group of ADMIN_ROUTES) group.register(admin, ctx);
    },
    { prefix: '/admin/v1' },
  );

  return app;
}
