import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type HeldClaim,
  holdIdempotencyClaim,
  type IdempotencyRecord,
  releaseIdempotencyKey,
} from '../../store/idempotency.ts';
import type { Mode } from '../../store/schema.ts';
import { type TrackGuard, trackVideo } from '../../tracking/track.ts';
import type { ApiContext } from '../context.ts';
import {
  errorSchema,
  insufficientBalanceSchema,
  trackedVideoSchema,
  trackFailedSchema,
  videoLimitReachedSchema,
} from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { trackErrorReply } from '../error-replies.ts';
import { conflict, sendError } from '../errors.ts';
import { presentTrackedVideo } from '../presenters.ts';
import { trackBody, trackRequest } from '../schemas.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/**
 * How long a request's claim on its Idempotency-Key is presumed alive. A track answers within seconds (the
 * probe has its timeouts and one quick retry); a claim still unanswered after this belongs to a request that
 * died with its process, and a retry takes it over. Should the first request still be alive, it then finds
 * its claim gone and writes nothing (409).
 */
export const IDEMPOTENCY_LEASE_MS = 60_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_KEY_HEADER = z
  .string()
  .regex(IDEMPOTENCY_KEY, 'must be 1–255 printable ASCII characters without spaces')
  .optional()
  .describe('The same key and body within 24 hours replays the first answer');
/** Answers worth replaying: a tracking was created, or the platform said the video does not exist. */
const REPLAYABLE = new Set([201, 404]);

/** The Idempotency-Key header as sent (registerRoute has checked its form), or undefined. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  return Array.isArray(header) ? header[0] : header;
}

/**
 * Claims `key` for a request whose identity (what a retry must repeat) is `identity`: held by this request, or
 * taken (answered, or in flight elsewhere), with the request's hash for the replay to compare.
 */
export async function claimForRequest(
  ctx: ApiContext,
  accountId: string,
  mode: Mode,
  key: string,
  identity: unknown,
): Promise<
  { kind: 'held'; claim: HeldClaim } | { kind: 'taken'; record: IdempotencyRecord; requestHash: string }
> {
  const requestHash = createHash('sha256').update(JSON.stringify(identity)).digest('hex');
  const outcome = await claimIdempotencyKey(ctx.store, {
    accountId,
    mode,
    key,
    requestHash,
    at: ctx.clock.now(),
    ttlMs: IDEMPOTENCY_TTL_MS,
    leaseMs: IDEMPOTENCY_LEASE_MS,
  });
  return outcome.kind === 'taken'
    ? { kind: 'taken', record: outcome.record, requestHash }
    : { kind: 'held', claim: outcome.claim };
}

export function registerTrackVideo(app: FastifyInstance, ctx: ApiContext): void {
  const countTracked = ctx.metrics.pairCounter('contentstats_videos_tracked_total', ['platform', 'mode']);
  // No response schema: the 201 is made of freshly built strings (ids, times), which JSON.stringify writes in
  // 2.1 µs and Fastify's compiled serializer in 3.7 µs (measured). Its shape is trackedVideoSchema, which the
  // OpenAPI document shows and the tests hold it to.
  // The body and the Idempotency-Key header are validated by registerRoute, every bad field named at once.
  registerRoute(app, trackVideoRoute, async (request, reply, input) => {
    const body = trackRequest(input.body);
    const { account, mode } = request.auth;
    const idempotencyKey = idempotencyKeyOf(request);
    let claim: HeldClaim | undefined;
    if (idempotencyKey !== undefined) {
      const outcome = await claimForRequest(
        ctx,
        account.id,
        mode,
        idempotencyKey,
        requestIdentity(mode, body),
      );
      if (outcome.kind === 'taken') return replay(reply, outcome.record, outcome.requestHash);
      claim = outcome.claim;
    }

    // With a claim, the 201 to replay is stored in the tracking's own transaction, and only while the claim
    // is still this request's: one key never starts two trackings, and never loses the answer to a crash.
    let createdPayload: Record<string, unknown> | undefined;
    const guard: TrackGuard | undefined = claim && {
      holds: (tx) => holdIdempotencyClaim(tx, claim),
      started: async (tx, video, firstSnapshot) => {
        createdPayload = presentTrackedVideo(video, firstSnapshot);
        await completeIdempotencyKey(tx, claim, {
          statusCode: 201,
          responseBody: JSON.stringify(createdPayload),
        });
      },
    };
    const result = await trackVideo(ctx.tracking, {
      accountId: account.id,
      mode,
      videoLink: body.video_link,
      durationDays: body.duration_days,
      knownAccount: account,
      parsedLink: body.parsedLink,
      ...(body.tags ? { tags: body.tags } : {}),
      ...(body.metadata ? { metadata: body.metadata } : {}),
      ...(guard ? { guard } : {}),
    }).catch(async (error: unknown) => {
      if (claim) await releaseIdempotencyKey(ctx.store, claim);
      throw error;
    });

    let status: number;
    let payload: Record<string, unknown>;
    if (result.ok) {
      status = 201;
      const { video, firstSnapshot } = result.value;
      payload = createdPayload ?? presentTrackedVideo(video, firstSnapshot);
      countTracked(video.platform, mode);
    } else {
      const error = trackErrorReply(result.error);
      status = error.status;
      payload = error.body;
      if (result.error.kind === 'platform_unreadable') {
        request.log.warn({ failure: result.error.failure }, 'track probe failed');
      }
    }
    if (claim && !result.ok && result.error.kind !== 'superseded') {
      if (REPLAYABLE.has(status)) {
        await completeIdempotencyKey(ctx.store, claim, {
          statusCode: status,
          responseBody: JSON.stringify(payload),
        });
      } else {
        // 400/402/403/5xx can succeed on a retry (after a top-up, a limit change, a platform recovery).
        await releaseIdempotencyKey(ctx.store, claim);
      }
    }
    return reply.code(status).send(payload);
  });
}

/**
 * What the Idempotency-Key's request hash covers: the mode and the body as it means (tags and metadata only when
 * given, so a body without them hashes as it did before they existed).
 */
function requestIdentity(
  mode: string,
  body: { video_link: string; duration_days: number; tags?: string[]; metadata?: Record<string, string> },
): unknown[] {
  const identity: unknown[] = [mode, body.video_link, body.duration_days];
  if (body.tags !== undefined || body.metadata !== undefined)
    identity.push(body.tags ?? null, body.metadata ?? null);
  return identity;
}

export function replay(
  reply: FastifyReply,
  existing: { request_hash: string; status_code: number | null; response_body: string | null },
  requestHash: string,
): FastifyReply {
  if (existing.request_hash !== requestHash) {
    return reply.code(422).send({ error: 'Idempotency key reused with a different request' });
  }
  if (existing.status_code === null || existing.response_body === null) {
    return sendError(reply, conflict('A request with this Idempotency-Key is still in progress'));
  }
  return reply
    .code(existing.status_code)
    .header('idempotent-replayed', 'true')
    .type('application/json; charset=utf-8')
    .send(existing.response_body);
}

export const trackVideoRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/videos/track',
  operationId: 'trackVideo',
  tag: 'videos',
  summary: 'Start tracking a video (takes and charges the first snapshot)',
  auth: 'apiKey',
  body: trackBody,
  headers: z.object({ 'Idempotency-Key': IDEMPOTENCY_KEY_HEADER }),
  responses: {
    201: {
      ...jsonResponse('Tracking started', trackedVideoSchema, examples.trackedVideo),
      headers: ['Idempotent-Replayed'],
    },
    402: jsonResponse('The available balance does not cover the estimated cost', insufficientBalanceSchema),
    403: jsonResponse(
      'The account is disabled, or its limit of videos monitored at once is reached (`limit`)',
      z.union([errorSchema, videoLimitReachedSchema]),
    ),
    404: {
      ...jsonResponse('Video not found or is private', errorSchema),
      headers: ['Idempotent-Replayed'],
    },
    409: jsonResponse('A request with this Idempotency-Key is still in progress', errorSchema),
    422: jsonResponse('Idempotency key reused with a different request', errorSchema),
    500: jsonResponse(
      'Failed to start monitoring: the platform could not be read (nothing stored, nothing charged)',
      trackFailedSchema,
    ),
  },
});
