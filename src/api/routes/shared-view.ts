// GET /s/{token}, /s/{token}.csv and /s/{token}.json: what a share link opens, with no header needed (a
// browser, Google Sheets' IMPORTDATA, Excel's web query). A token that does not open now — malformed,
// unknown, revoked, expired, or its account disabled — gets one and the same 404, whatever the reason.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { openShareLink } from '../../accounts/share-links.ts';
import type { ExportRows } from '../../exports/export.ts';
import type { ShareLinkRow } from '../../store/schema.ts';
import type { ApiContext } from '../context.ts';
import { errorSchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, type ResponseDeclaration, registerRoute } from '../contract/route.ts';
import { invalidRequest, sendError } from '../errors.ts';
import { SHARE_PAGE_CSP, sharePage } from '../share-page.ts';
import { sendExport } from './exports.ts';

// Any string reaches the handler, so that every token that does not open is answered by the same code.
const tokenParams = z.object({ token: z.string().describe('The token of a share link') });
const dataQuery = z.object({
  rows: z
    .enum(['snapshots', 'videos'], { error: 'rows must be snapshots or videos' })
    .optional()
    .describe('snapshots (the default): one row per snapshot; videos: one row per video'),
});

const notOpen = jsonResponse('Unknown, revoked or expired link (all alike)', errorSchema);
const SHARED_NOT_FOUND = { status: 404, body: { error: 'Not found' } };

export const sharedPageRoute = defineRoute({
  method: 'GET',
  path: '/s/{token}',
  operationId: 'getSharedPage',
  tag: 'share-links',
  summary:
    "A share link's read-only page (HTML that reads without script; the dashboard's chart is added by one)",
  auth: 'none',
  params: tokenParams,
  unknownId: SHARED_NOT_FOUND,
  responses: {
    200: {
      description: "The video's or the campaign's counts, growth and (for a video) snapshots",
      content: { 'text/html': { schema: z.string(), example: examples.sharedPage } },
    },
    404: notOpen,
  },
});

const dataResponses = (format: 'csv' | 'json'): Record<number, ResponseDeclaration> => ({
  200: {
    description: 'The rows of the export routes, for the link’s video or campaign only',
    content:
      format === 'csv'
        ? { 'text/csv': { schema: z.string(), example: examples.exportCsv.snapshots } }
        : {
            'application/json': {
              schema: z.array(z.record(z.string(), z.unknown())).describe('The rows, one object each'),
              example: examples.exportJsonl.snapshots
                .trim()
                .split('\n')
                .map((line) => JSON.parse(line) as Record<string, unknown>),
            },
          },
  },
  404: notOpen,
});

export const sharedCsvRoute = defineRoute({
  method: 'GET',
  path: '/s/{token}.csv',
  operationId: 'getSharedCsv',
  tag: 'share-links',
  summary: "A share link's data as CSV (formula-safe), for IMPORTDATA and spreadsheets",
  auth: 'none',
  params: tokenParams,
  unknownId: SHARED_NOT_FOUND,
  query: dataQuery,
  queryIssuesReportedByHandler: true,
  responses: dataResponses('csv'),
});

export const sharedJsonRoute = defineRoute({
  method: 'GET',
  path: '/s/{token}.json',
  operationId: 'getSharedJson',
  tag: 'share-links',
  summary: "A share link's data as one JSON array",
  auth: 'none',
  params: tokenParams,
  unknownId: SHARED_NOT_FOUND,
  query: dataQuery,
  queryIssuesReportedByHandler: true,
  responses: dataResponses('json'),
});

/** Every answer of a shared address: never cached, never indexed, never sent on as a referrer. */
function sharedHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers({
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-robots-tag': 'noindex, nofollow',
  });
}

/** The one answer of every token that does not open, whichever the route and the reason. */
const notFound = (reply: FastifyReply) => sendError(sharedHeaders(reply), SHARED_NOT_FOUND);

function exportRequestOf(link: ShareLinkRow) {
  return {
    scope: {
      accountId: link.account_id,
      mode: link.mode,
      ...(link.video_id !== null ? { videoId: link.video_id } : {}),
      ...(link.tag !== null ? { tags: [link.tag] } : {}),
    },
    window: {},
  };
}

export function registerSharedView(app: FastifyInstance, ctx: ApiContext): void {
  const open = (token: string) => openShareLink(ctx.store, token, ctx.clock.now());

  registerRoute(app, sharedPageRoute, async (_request, reply, { params }) => {
    const link = await open(params.token);
    if (!link) return notFound(reply);
    const stop = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) stop.abort();
    });
    const page = sharePage(ctx.store, {
      scope: link.tag !== null ? { kind: 'tag', tag: link.tag } : { kind: 'video' },
      token: params.token,
      now: ctx.clock.now(),
      request: { ...exportRequestOf(link), signal: stop.signal },
    });
    return sharedHeaders(reply)
      .header('content-security-policy', SHARE_PAGE_CSP)
      .type('text/html; charset=utf-8')
      .send(page);
  });

  for (const [route, format] of [
    [sharedCsvRoute, 'csv'],
    [sharedJsonRoute, 'json'],
  ] as const) {
    registerRoute(app, route, async (_request, reply, { params, query }) => {
      const link = await open(params.token);
      if (!link) return notFound(reply);
      if (!query.ok) return sendError(sharedHeaders(reply), invalidRequest(query.error.issues));
      const rows: ExportRows = query.value.rows ?? 'snapshots';
      const { scope, window } = exportRequestOf(link);
      return sendExport(ctx, sharedHeaders(reply), rows, format, scope, window);
    });
  }
}
