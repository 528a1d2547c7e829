// GET /exports/snapshots and /exports/videos: every video of the account (in the key's mode) that matches the
// filters, streamed as CSV, JSON Lines or XLSX. The rows are read a page at a time as the client takes them,
// and reading stops when the client goes away.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { type ExportRows, exportRows } from '../../exports/export.ts';
import { CONTENT_TYPES, type ExportFormat } from '../../exports/formats.ts';
import { findOwnedVideo } from '../../store/videos.ts';
import type { ApiContext } from '../context.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, type ResponseDeclaration, registerRoute } from '../contract/route.ts';
import { invalidRequest, sendError } from '../errors.ts';
import { exportQuery } from '../schemas.ts';
import { wellFormedString } from '../validation.ts';

const exportResponse = (rows: ExportRows): ResponseDeclaration => ({
  description:
    rows === 'snapshots'
      ? 'One row per collected snapshot: the video (id, link, platform, title, creator, tags), the counts and their growth since the previous snapshot'
      : 'One row per video: its newest counts and their growth since its first snapshot (within since/until)',
  content: {
    'text/csv': { schema: z.string(), example: examples.exportCsv[rows] },
    'application/x-ndjson': {
      schema: z.string().describe('One JSON object per line'),
      example: examples.exportJsonl[rows],
    },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
      schema: z.string().describe('An XLSX workbook (binary) with one sheet of the same rows'),
      example: examples.exportXlsx,
    },
  },
});

export const exportSnapshotsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/exports/snapshots',
  operationId: 'exportSnapshots',
  tag: 'exports',
  summary: 'Every collected snapshot of the matching videos, with growth deltas (csv, jsonl or xlsx)',
  description:
    'Filters: video_id (one video), tag (repeat for videos carrying all), platform, status select the videos; ' +
    'since/until the snapshots. CSV cells that a spreadsheet would read as a formula are prefixed with a single ' +
    'quote.',
  auth: 'apiKey',
  query: exportQuery,
  queryIssuesReportedByHandler: true,
  responses: { 200: exportResponse('snapshots') },
});

export const exportVideosRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/exports/videos',
  operationId: 'exportVideos',
  tag: 'exports',
  summary: 'One row per matching video: newest counts and growth since its first snapshot',
  description:
    'Filters: video_id (one video), tag (repeat for videos carrying all), platform, status select the videos; ' +
    'since/until bound the snapshots the first and newest counts are taken from (a video without one there has ' +
    'empty counts).',
  auth: 'apiKey',
  query: exportQuery,
  queryIssuesReportedByHandler: true,
  responses: { 200: exportResponse('videos') },
});

const FILE_EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', jsonl: 'jsonl', xlsx: 'xlsx' };

/**
 * Sends an export as the response body. Fastify pipes the stream into the socket, so the rows are read only as
 * fast as the client takes them; a client that goes away destroys the stream, and the abort signal stops the
 * page being read.
 */
export function sendExport(
  ctx: ApiContext,
  reply: FastifyReply,
  rows: ExportRows,
  format: ExportFormat | 'json',
  scope: Parameters<typeof exportRows>[3]['scope'],
  window: Parameters<typeof exportRows>[3]['window'],
  fileName?: string,
): FastifyReply {
  const stop = new AbortController();
  // The response closes when it is finished or when the connection goes away: only the latter stops reading.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) stop.abort();
  });
  const body = exportRows(ctx.store, rows, format, { scope, window, signal: stop.signal });
  reply.type(CONTENT_TYPES[format]);
  if (fileName !== undefined) reply.header('content-disposition', `attachment; filename="${fileName}"`);
  return reply.send(body);
}

export function registerExports(app: FastifyInstance, ctx: ApiContext): void {
  for (const [route, rows] of [
    [exportSnapshotsRoute, 'snapshots'],
    [exportVideosRoute, 'videos'],
  ] as const) {
    registerRoute(app, route, async (request, reply, { query: validated }) => {
      const { account, mode } = request.auth;
      const issues = validated.ok ? [] : [...validated.error.issues];
      // Its form is checked with the other filters; whether it names one of the caller's videos needs the store.
      const videoId = wellFormedString(validated, request.query, 'video_id');
      if (videoId !== undefined && !(await findOwnedVideo(ctx.store, account.id, mode, videoId))) {
        issues.push({ field: 'video_id', message: 'No such video' });
      }
      if (!validated.ok || issues.length > 0) return sendError(reply, invalidRequest(issues));
      const query = validated.value;
      const format = query.format ?? 'csv';
      const stamp = new Date(ctx.clock.now()).toISOString().slice(0, 10);
      return sendExport(
        ctx,
        reply,
        rows,
        format,
        {
          accountId: account.id,
          mode,
          ...(query.video_id ? { videoId: query.video_id } : {}),
          ...(query.tag ? { tags: query.tag } : {}),
          ...(query.platform ? { platform: query.platform } : {}),
          ...(query.status ? { status: query.status } : {}),
        },
        {
          ...(query.since ? { sinceMs: Date.parse(query.since) } : {}),
          ...(query.until ? { untilMs: Date.parse(query.until) } : {}),
        },
        `contentstats-${rows}-${query.video_id ? `${query.video_id}-` : ''}${stamp}.${FILE_EXTENSIONS[format]}`,
      );
    });
  }
}
