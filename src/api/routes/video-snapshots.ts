// GET /videos/{id}/snapshots: the time series with per-interval growth deltas, as JSON or CSV.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { csvLine } from '../../exports/csv.ts';
import { collectedSnapshotBefore, listSnapshots } from '../../store/snapshots.ts';
import { findOwnedVideo } from '../../store/videos.ts';
import type { ApiContext } from '../context.ts';
import { errorSchema, snapshotPageSchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { invalidRequest, sendError, videoNotFound } from '../errors.ts';
import { iso } from '../iso-time.ts';
import { growthDeltas, SNAPSHOT_METRICS as METRICS, NO_DELTAS, presentSnapshot } from '../presenters.ts';
import { snapshotsQuery, videoIdParams } from '../schemas.ts';
import { wellFormedString } from '../validation.ts';

const DEFAULT_LIMIT = 1000;

export const listSnapshotsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/videos/{id}/snapshots',
  operationId: 'listSnapshots',
  tag: 'videos',
  summary: 'Snapshots of a video with growth deltas; format=csv (or Accept: text/csv) exports CSV',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: videoNotFound,
  query: snapshotsQuery,
  queryIssuesReportedByHandler: true,
  responses: {
    200: {
      description: 'Snapshots, oldest first',
      content: {
        'application/json': { schema: snapshotPageSchema, example: examples.snapshotPage },
        'text/csv': { schema: z.string(), example: examples.snapshotCsv },
      },
    },
    404: jsonResponse('Video not found', errorSchema),
  },
});
export function registerVideoSnapshots(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, listSnapshotsRoute, async (request, reply, { params, query }) => {
    const { account, mode } = request.auth;
    const video = await findOwnedVideo(ctx.store, account.id, mode, params.id);
    if (!video) return sendError(reply, videoNotFound);
    const issues = query.ok ? [] : [...query.error.issues];
    // The cursor's form is checked with the other parameters; whose snapshot it names needs the video.
    const startingAfter = wellFormedString(query, request.query, 'starting_after');
    if (startingAfter !== undefined && !startingAfter.startsWith(`${video.job_id}-`)) {
      issues.push({ field: 'starting_after', message: 'must be a snapshot_id of this video' });
    }
    if (!query.ok || issues.length > 0) return sendError(reply, invalidRequest(issues));

    const q = query.value;
    const includeMissed = q.include_missed === 'true';
    // The form (id, dash, slot number) was checked by the schema.
    const afterSlot =
      startingAfter === undefined
        ? undefined
        : Number(startingAfter.slice(startingAfter.lastIndexOf('-') + 1));
    const limit = q.limit ?? DEFAULT_LIMIT;
    const rows = await listSnapshots(ctx.store, {
      video,
      includeMissed,
      sinceMs: q.since === undefined ? undefined : Date.parse(q.since),
      untilMs: q.until === undefined ? undefined : Date.parse(q.until),
      afterSlot,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    // The delta of the page's first snapshot needs the collected snapshot just before it.
    const firstSlot = page.find((s) => !s.missed)?.slot;
    let previous =
      firstSlot === undefined || firstSlot === 0
        ? undefined
        : await collectedSnapshotBefore(ctx.store, video, firstSlot);
    // A missed slot has no counts, so no growth (null deltas, the same fields as every other snapshot); the
    // next collected one grows from the last collected before it.
    const withDeltas = page.map((s) => {
      const deltas = s.missed ? NO_DELTAS : growthDeltas(s, previous);
      if (!s.missed) previous = s;
      return { snapshot: s, deltas };
    });

    const wantsCsv =
      q.format === 'csv' || (q.format === undefined && (request.headers.accept ?? '').includes('text/csv'));
    if (wantsCsv) {
      const header = [
        'snapshot_id',
        'snapshot_time',
        'slot',
        ...METRICS,
        ...METRICS.map((m) => `${m}_delta`),
        'provider',
        'missed',
      ];
      // The one CSV writer of every export: formula-safe cells, quoted where they must be.
      let csv = csvLine(header);
      for (const { snapshot: s, deltas } of withDeltas) {
        csv += csvLine([
          `${video.job_id}-${s.slot}`,
          iso(s.taken_at),
          s.slot,
          ...METRICS.map((m) => s[m]),
          ...METRICS.map((m) => deltas[`${m}_delta`]),
          s.provider,
          s.missed ? 'true' : 'false',
        ]);
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${video.id}-snapshots.csv"`)
        .send(csv);
    }
    return {
      video_id: video.id,
      // Assigned, not spread: up to 1,000 snapshots per page (see presenters.ts).
      snapshots: withDeltas.map(({ snapshot, deltas }) =>
        Object.assign(presentSnapshot(video, snapshot), deltas),
      ),
      has_more: rows.length > limit,
    };
  });
}
