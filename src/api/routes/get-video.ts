import type { FastifyInstance } from 'fastify';
import { listSnapshots } from '../../store/snapshots.ts';
import { findOwnedVideo } from '../../store/videos.ts';
import type { ApiContext } from '../context.ts';
import { errorSchema, videoDetailSchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { sendError, videoNotFound } from '../errors.ts';
import { presentVideoDetail } from '../presenters.ts';
import { videoIdParams } from '../schemas.ts';

export const getVideoRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/videos/{id}',
  operationId: 'getVideo',
  tag: 'videos',
  summary: 'A video with all its snapshots (oldest first)',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: videoNotFound,
  responses: {
    200: jsonResponse('The video', videoDetailSchema, examples.videoDetail),
    404: jsonResponse('Video not found', errorSchema),
  },
});

export function registerGetVideo(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, getVideoRoute, async (request, reply, { params }) => {
    const { account, mode } = request.auth;
    const video = await findOwnedVideo(ctx.store, account.id, mode, params.id);
    if (!video) return sendError(reply, videoNotFound);
    const snapshots = await listSnapshots(ctx.store, { video });
    return presentVideoDetail(video, snapshots);
  });
}
