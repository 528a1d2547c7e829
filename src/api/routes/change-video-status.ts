// POST /videos/{id}/stop, /pause and /resume.
import type { FastifyInstance } from 'fastify';
import type { VideoStatus } from '../../store/schema.ts';
import { latestSnapshot } from '../../store/snapshots.ts';
import { pauseVideo, resumeVideo, stopVideo, type TransitionResult } from '../../tracking/lifecycle.ts';
import type { ApiContext } from '../context.ts';
import {
  errorSchema,
  insufficientBalanceSchema,
  statusChangeSchema,
  statusConflictSchema,
} from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, type ResponseDeclaration, registerRoute } from '../contract/route.ts';
import { transitionErrorReply } from '../error-replies.ts';
import { sendError, videoNotFound } from '../errors.ts';
import { presentVideoListItem } from '../presenters.ts';
import { videoIdParams } from '../schemas.ts';

const statusChangeRoute = (
  action: string,
  operationId: string,
  summary: string,
  example: { from: VideoStatus; to: VideoStatus },
  responses: Record<number, ResponseDeclaration> = {},
) =>
  defineRoute({
    method: 'POST',
    path: `/api/v1/videos/{id}/${action}`,
    operationId,
    tag: 'videos',
    summary,
    auth: 'apiKey',
    params: videoIdParams,
    unknownId: videoNotFound,
    responses: {
      200: jsonResponse(
        'The status changed',
        statusChangeSchema,
        examples.statusChange(example.from, example.to),
      ),
      404: jsonResponse('Video not found', errorSchema),
      409: jsonResponse(
        'The video is not in a status that allows it (`status` says which)',
        statusConflictSchema,
      ),
      ...responses,
    },
  });

export const stopVideoRoute = statusChangeRoute(
  'stop',
  'stopVideo',
  'Stop tracking early; unused reservation is released',
  { from: 'monitoring', to: 'completed' },
);
export const pauseVideoRoute = statusChangeRoute(
  'pause',
  'pauseVideo',
  'Pause tracking; the reservation for the remaining slots is released',
  { from: 'monitoring', to: 'paused' },
);
export const resumeVideoRoute = statusChangeRoute(
  'resume',
  'resumeVideo',
  'Resume a paused video within its original window (re-reserves the rest)',
  { from: 'paused', to: 'monitoring' },
  {
    402: jsonResponse(
      'The available balance does not cover the remaining snapshots',
      insufficientBalanceSchema,
    ),
    409: jsonResponse(
      'Not paused, or the tracking window has passed (the video is then completed); `status` says which',
      statusConflictSchema,
    ),
  },
);

const TRANSITIONS = [
  { route: stopVideoRoute, transition: stopVideo },
  { route: pauseVideoRoute, transition: pauseVideo },
  { route: resumeVideoRoute, transition: resumeVideo },
] as const;

export function registerChangeVideoStatus(app: FastifyInstance, ctx: ApiContext): void {
  for (const { route, transition } of TRANSITIONS) {
    registerRoute(app, route, async (request, reply, { params }) => {
      const { account, mode } = request.auth;
      const result: TransitionResult = await transition(
        ctx.store,
        { accountId: account.id, mode },
        params.id,
        ctx.clock.now(),
      );
      if (!result.ok) return sendError(reply, transitionErrorReply(result.error));
      const { video, previous } = result.value;
      return {
        success: true,
        id: video.id,
        job_id: video.job_id,
        video_link: video.video_link,
        previous_status: previous,
        new_status: video.status,
        video: presentVideoListItem(video, await latestSnapshot(ctx.store, video)),
      };
    });
  }
}
