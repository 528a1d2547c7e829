// POST /videos/track/batch: up to 100 tracks in one request, each answered as POST /videos/track would answer
// it (tracking/track-batch.ts), one request for the rate limit, one Idempotency-Key for the whole batch.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  completeIdempotencyKey,
  type HeldClaim,
  holdIdempotencyClaim,
  idempotencyProgress,
  recordIdempotencyProgress,
  releaseIdempotencyKey,
} from '../../store/idempotency.ts';
import type { TrackGuard, TrackResult } from '../../tracking/track.ts';
import { trackBatch } from '../../tracking/track-batch.ts';
import type { ApiContext } from '../context.ts';
import { batchResultSchema, errorSchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { trackErrorReply } from '../error-replies.ts';
import { conflict, sendError } from '../errors.ts';
import { presentTrackedVideo } from '../presenters.ts';
import { trackBatchBody } from '../schemas.ts';
import { claimForRequest, IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, replay } from './track-video.ts';

/** 100 items of a long link and full metadata each fit; the service's default limit is 16 KiB. */
const BATCH_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

type ItemAnswer =
  | { index: number; status: 201; video: Record<string, unknown> }
  | { index: number; status: number; error: Record<string, unknown> };

export const trackBatchRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/videos/track/batch',
  operationId: 'trackVideoBatch',
  tag: 'videos',
  summary: 'Track up to 100 videos in one request, each answered as a single track',
  description:
    'Every item is checked first: a malformed item (link, duration, tags, metadata) is a 400 for the whole ' +
    'batch naming it (`videos[3].video_link`), and nothing is tracked. Otherwise the answer is 200 with one ' +
    'result per item, in order, holding the status and body POST /videos/track would have answered: the probes ' +
    'run concurrently, the writes one by one in order, each in its own transaction, so money is reserved item ' +
    'by item and a batch the balance cannot pay for whole starts the items it can, in order (the rest 402). The ' +
    "batch's `tags` are added to each item's. It counts as one request for the rate limit; the plan's limit " +
    'of videos monitored at once holds item by item. With an Idempotency-Key, a retry replays the answer; a ' +
    'retry after the first request died resumes after the items it had already tracked.',
  auth: 'apiKey',
  body: trackBatchBody,
  bodyLimitBytes: BATCH_BODY_LIMIT_BYTES,
  headers: z.object({ 'Idempotency-Key': IDEMPOTENCY_KEY_HEADER }),
  responses: {
    200: {
      ...jsonResponse("Each item's answer", batchResultSchema, examples.batchResult),
      headers: ['Idempotent-Replayed'],
    },
    409: jsonResponse('A request with this Idempotency-Key is still in progress', errorSchema),
    422: jsonResponse('Idempotency key reused with a different request', errorSchema),
  },
});

export function registerTrackBatch(app: FastifyInstance, ctx: ApiContext): void {
  const countTracked = ctx.metrics.pairCounter('contentstats_videos_tracked_total', ['platform', 'mode']);
  registerRoute(app, trackBatchRoute, async (request, reply, { body }) => {
    const { account, mode } = request.auth;
    const idempotencyKey = idempotencyKeyOf(request);
    const answers: Array<ItemAnswer | undefined> = body.map(() => undefined);
    let claim: HeldClaim | undefined;
    if (idempotencyKey !== undefined) {
      const identity = [
        'batch',
        mode,
        body.map((item) => [item.video_link, item.duration_days, item.tags ?? null, item.metadata ?? null]),
      ];
      const outcome = await claimForRequest(ctx, account.id, mode, idempotencyKey, identity);
      if (outcome.kind === 'taken') return replay(reply, outcome.record, outcome.requestHash);
      claim = outcome.claim;
      // Taken over from a request that died mid-batch: what it tracked is answered as it was, not tracked again.
      const progress = await idempotencyProgress(ctx.store, claim);
      if (progress) for (const answer of JSON.parse(progress) as ItemAnswer[]) answers[answer.index] = answer;
    }

    const recorded = () => JSON.stringify(answers.filter((answer) => answer !== undefined));
    const guardFor = (index: number): TrackGuard | undefined =>
      claim && {
        holds: (tx) => holdIdempotencyClaim(tx, claim),
        // The item's answer and the batch's progress are written in the item's own transaction.
        started: async (tx, video, firstSnapshot) => {
          answers[index] = { index, status: 201, video: presentTrackedVideo(video, firstSnapshot) };
          await recordIdempotencyProgress(tx, claim, recorded());
        },
      };
    const skip = new Set(answers.flatMap((answer, index) => (answer ? [index] : [])));
    let superseded = false;
    const onResult = (index: number, result: TrackResult) => {
      if (result.ok) {
        const { video, firstSnapshot } = result.value;
        answers[index] ??= { index, status: 201, video: presentTrackedVideo(video, firstSnapshot) };
        countTracked(video.platform, mode);
        return;
      }
      if (result.error.kind === 'superseded') superseded = true;
      if (result.error.kind === 'platform_unreadable') {
        request.log.warn({ index, failure: result.error.failure }, 'batch track probe failed');
      }
      const reply = trackErrorReply(result.error);
      answers[index] = { index, status: reply.status, error: reply.body };
    };

    try {
      await trackBatch(ctx.tracking, {
        accountId: account.id,
        mode,
        knownAccount: account,
        items: body.map((item) => ({
          videoLink: item.video_link,
          durationDays: item.duration_days,
          parsedLink: item.parsedLink,
          ...(item.tags ? { tags: item.tags } : {}),
          ...(item.metadata ? { metadata: item.metadata } : {}),
        })),
        skip,
        ...(claim ? { guardFor } : {}),
        onResult,
      });
    } catch (error) {
      // Nothing tracked yet: a retry runs afresh. Otherwise the claim and its progress stay, and a retry after
      // the lease resumes after the items already tracked.
      if (claim && !answers.some((answer) => answer?.status === 201))
        await releaseIdempotencyKey(ctx.store, claim);
      throw error;
    }
    if (superseded) {
      return sendError(reply, conflict('A retry with this Idempotency-Key took over this batch'));
    }

    const results = answers as ItemAnswer[];
    const created = results.filter((answer) => answer.status === 201).length;
    const payload = { results, created, failed: results.length - created };
    if (claim) {
      await completeIdempotencyKey(ctx.store, claim, {
        statusCode: 200,
        responseBody: JSON.stringify(payload),
      });
    }
    return reply.code(200).send(payload);
  });
}
