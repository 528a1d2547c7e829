// PATCH /videos/{id}: replace a video's tags and/or metadata.
import type { FastifyInstance } from 'fastify';
import { latestSnapshot } from '../../store/snapshots.ts';
import { labelVideo } from '../../tracking/label-video.ts';
import type { ApiContext } from '../context.ts';
import { errorSchema, videoSchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { sendError, videoNotFound } from '../errors.ts';
import { presentVideoListItem } from '../presenters.ts';
import { patchVideoBody, videoIdParams } from '../schemas.ts';

export const updateVideoRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/videos/{id}',
  operationId: 'updateVideo',
  tag: 'videos',
  summary: "Replace a video's tags and/or metadata (in any status)",
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: videoNotFound,
  body: patchVideoBody,
  bodyRequired: true,
  responses: {
    200: jsonResponse('The video as it now is', videoSchema, examples.video),
    404: jsonResponse('Video not found', errorSchema),
  },
});

export function registerUpdateVideo(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, updateVideoRoute, async (request, reply, { params, body }) => {
    const { account, mode } = request.auth;
    const result = await labelVideo(ctx.store, { accountId: account.id, mode }, params.id, {
      ...(body.tags !== undefined ? { tags: body.tags } : {}),
      ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
    });
    if (!result.ok) return sendError(reply, videoNotFound);
    return presentVideoListItem(result.value, await latestSnapshot(ctx.store, result.value));
  });
}
