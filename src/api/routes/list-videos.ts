import type { FastifyInstance } from 'fastify';
import { parseVideoUrl } from '../../platforms/parse-video-url.ts';
import { latestSnapshots } from '../../store/snapshots.ts';
import { tagKey } from '../../store/tags.ts';
import { findOwnedVideo, listVideos } from '../../store/videos.ts';
import type { ApiContext } from '../context.ts';
import { videoListSchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { invalidRequest, sendError } from '../errors.ts';
import { presentVideoListItem } from '../presenters.ts';
import { listVideosQuery } from '../schemas.ts';
import { wellFormedString } from '../validation.ts';

const DEFAULT_LIMIT = 50;

export const listVideosRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/videos',
  operationId: 'listVideos',
  tag: 'videos',
  summary: 'List videos, newest first',
  auth: 'apiKey',
  query: listVideosQuery,
  queryIssuesReportedByHandler: true,
  responses: { 200: jsonResponse('A page of videos', videoListSchema, examples.videoList) },
});

export function registerListVideos(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, listVideosRoute, async (request, reply, { query }) => {
    const { account, mode } = request.auth;
    const issues = query.ok ? [] : [...query.error.issues];
    let before: { createdAt: number; id: string } | undefined;
    const startingAfter = wellFormedString(query, request.query, 'starting_after');
    if (startingAfter !== undefined) {
      const cursor = await findOwnedVideo(ctx.store, account.id, mode, startingAfter);
      if (cursor) before = { createdAt: cursor.created_at, id: cursor.id };
      else issues.push({ field: 'starting_after', message: 'No such video' });
    }
    if (!query.ok || issues.length > 0) return sendError(reply, invalidRequest(issues));
    const limit = query.value.limit ?? DEFAULT_LIMIT;

    let links: string[] | undefined;
    if (query.value.video_link !== undefined) {
      const submitted = query.value.video_link;
      const parsed = parseVideoUrl(submitted);
      links = parsed.kind === 'video' ? [submitted, parsed.ref.canonicalUrl] : [submitted];
    }

    const rows = await listVideos(ctx.store, {
      accountId: account.id,
      mode,
      platform: query.value.platform,
      status: query.value.status,
      links,
      tagKeys: query.value.tag?.map(tagKey),
      before,
      limit,
    });
    const page = rows.slice(0, limit);
    const latest = await latestSnapshots(ctx.store, page);
    return {
      videos: page.map((video) => presentVideoListItem(video, latest.get(video.id))),
      total: page.length,
      limit,
      has_more: rows.length > limit,
    };
  });
}
