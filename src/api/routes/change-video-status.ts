// POST /videos/{id}/stop, /pause and /resume.
import type { FastifyInstance } from 'fastify';
import { latestSnapshot } from '../../store/snapshots.ts';
import { pauseVideo, resumeVideo, stopVideo, type TransitionResult } from '../../tracking/lifecycle.ts';
import type { ApiContext } from '../context.ts';
import { conflict, insufficientBalance, sendError, videoNotFound } from '../errors.ts';
import { presentVideoListItem } from '../presenters.ts';
import { videoIdParams } from '../schemas.ts';
import { validate } from '../validation.ts';

const TRANSITIONS = { stop: stopVideo, pause: pauseVideo, resume: resumeVideo } as const;

export function registerChangeVideoStatus(app: FastifyInstance, ctx: ApiContext): void {
  for (const [action, transition] of Object.entries(TRANSITIONS)) {
    app.post(`/videos/:id/${action}`, async (request, reply) => {
      const params = validate(videoIdParams, request.params, 'id');
      if (!params.ok) return sendError(reply, videoNotFound);
      const { account, mode } = request.auth;
      const result: TransitionResult = await transition(
        ctx.store,
        { accountId: account.id, mode },
        params.value.id,
        ctx.clock.now(),
      );
      if (!result.ok) {
        switch (result.error.kind) {
          case 'video_not_found':
            return sendError(reply, videoNotFound);
          case 'invalid_state':
            return sendError(reply, conflict(result.error.message, { status: result.error.status }));
          case 'insufficient_balance':
            return sendError(
              reply,
              insufficientBalance(result.error.availableMicroUsd, result.error.estimatedCostMicroUsd),
            );
          case 'window_over':
            return sendError(
              reply,
              conflict('The tracking window has passed; the video is completed', { status: 'completed' }),
            );
        }
      }
      const { video, previous } = result;
      return {
        success: true,
        id: video.id,
        job_id: video.job_id,
        video_link: video.video_link,
        previous_status: previous,
        new_status: video.status,
        video: presentVideoListItem(video, await latestSnapshot(ctx.store, video.id)),
      };
    });
  }
}
