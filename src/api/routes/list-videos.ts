import type { FastifyInstance } from 'fastify';
import { parseVideoUrl } from '../../platforms/parse-video-url.ts';
import { latestSnapshots } from '../../store/snapshots.ts';
import { findOwnedVideo, listVideos } from '../../store/videos.ts';
import type { ApiContext } from '../context.ts';
import { invalidRequest, sendError } from '../errors.ts';
import { presentVideoListItem } from '../presenters.ts';
import { listVideosQuery } from '../schemas.ts';
import { validate } from '../validation.ts';

const DEFAULT_LIMIT = 50;

export function registerListVideos(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/videos', async (request, reply) => {
    const query = validate(listVideosQuery, request.query, 'query');
    if (!query.ok) return sendError(reply, query.error);
    const { account, mode } = request.auth;
    const limit = query.value.limit ?? DEFAULT_LIMIT;

    let before: { createdAt: number; id: string } | undefined;
    if (query.value.starting_after !== undefined) {
      const cursor = await findOwnedVideo(ctx.store, account.id, mode, query.value.starting_after);
      if (!cursor)
        return sendError(reply, invalidRequest([{ field: 'starting_after', message: 'No such video' }]));
      before = { createdAt: cursor.created_at, id: cursor.id };
    }
    let links: string[] | undefined;
    if (query.value.video_link !== undefined) {
      const link = query.value.video_link;
      const parsed = parseVideoUrl(link);
      links = parsed.kind === 'video' ? [link, parsed.ref.canonicalUrl] : [link];
    }

    const rows = await listVideos(ctx.store, {
      accountId: account.id,
      mode,
      platform: query.value.platform,
      status: query.value.status,
      links,
      before,
      limit,
    });
    const page = rows.slice(0, limit);
    const latest = await latestSnapshots(
      ctx.store,
      page.map((v) => v.id),
    );
    return {
      videos: page.map((video) => presentVideoListItem(video, latest.get(video.id))),
      total: page.length,
      limit,
      has_more: rows.length > limit,
    };
  });
}
