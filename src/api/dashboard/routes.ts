// The dashboard at `/`: one HTML shell and its files under /assets/<version>/. No key is needed to load them;
// the page itself asks for a key and calls the public API with it like any other client. Not part of the
// OpenAPI document (a user interface, like /docs).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptedEncodings } from '../compression.ts';
import type { Asset, DashboardAssets } from './assets.ts';

/** The routes below (for the contract test, which checks that every other route is documented). */
export const isDashboardRoute = (url: string): boolean => url === '/' || url.startsWith('/assets/');

// No inline script or style anywhere (styles are classes in app.css; uPlot sets element styles through the
// DOM, which a CSP allows); API calls go to this origin only; no page may frame the dashboard.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

const YEAR_SECONDS = 365 * 24 * 3600;

export function sendAsset(
  request: FastifyRequest,
  reply: FastifyReply,
  asset: Asset,
  cacheControl: string,
): FastifyReply {
  reply.headers(DASHBOARD_SECURITY_HEADERS);
  reply.header('cache-control', cacheControl).header('etag', asset.etag).header('vary', 'accept-encoding');
  reply.type(asset.contentType);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  const encodings = asset.gzip || asset.brotli ? acceptedEncodings(request) : undefined;
  if (asset.brotli && encodings?.has('br')) {
    return reply.header('content-encoding', 'br').send(asset.brotli);
  }
  if (asset.gzip && encodings?.has('gzip')) {
    return reply.header('content-encoding', 'gzip').send(asset.gzip);
  }
  return reply.send(asset.body);
}

export function registerDashboard(app: FastifyInstance, assets: DashboardAssets): void {
  const notFound = (reply: FastifyReply) =>
    reply.code(404).headers(DASHBOARD_SECURITY_HEADERS).send({ error: 'Not found' });

  // The shell changes with every release: revalidated each time (a 304 when it has not changed).
  app.get('/', (request, reply) => sendAsset(request, reply, assets.indexHtml, 'no-cache'));

  app.get<{ Params: { version: string; '*': string } }>('/assets/:version/*', (request, reply) => {
    // Another version is a page from before a restart: its files are gone, and a reload fetches the new ones.
    if (request.params.version !== assets.version) return notFound(reply);
    const asset = assets.files.get(request.params['*']);
    if (!asset) return notFound(reply);
    return sendAsset(request, reply, asset, `public, max-age=${YEAR_SECONDS}, immutable`);
  });
}
