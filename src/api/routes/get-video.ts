import type { FastifyInstance } from 'fastify';
import { listSnapshots } from '../../store/snapshots.ts';
import { findOwnedVideo } from '../../store/videos.ts';
import type { ApiContext } from '../context.ts';
import { sendError, videoNotFound } from '../errors.ts';
import { presentVideoDetail } from '../presenters.ts';
import { videoIdParams } from '../schemas.ts';
import { validate } from '../validation.ts';

export function registerGetVideo(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/videos/:id', async (request, reply) => {
    const params = validate(videoIdParams, request.params, 'id');
    // An id that cannot exist is as unknown as one that does not.
    if (!params.ok) return sendError(reply, videoNotFound);
    const { account, mode } = request.auth;
    const video = await findOwnedVideo(ctx.store, account.id, mode, params.value.id);
    if (!video) return sendError(reply, videoNotFound);
    const snapshots = await listSnapshots(ctx.store, { videoId: video.id });
    return presentVideoDetail(video, snapshots);
  });
}
