// GET /tags and GET /tags/{tag}/summary: an account's campaigns (tags) and what the videos of one add up to.
import type { FastifyInstance } from 'fastify';
import { microUsdToUsd } from '../../billing/money.ts';
import { PLATFORMS } from '../../platforms/types.ts';
import { VIDEO_STATUSES } from '../../store/schema.ts';
import { tagRollup } from '../../store/tag-rollup.ts';
import { listTagCounts, tagKey } from '../../store/tags.ts';
import type { ApiContext } from '../context.ts';
import { errorSchema, tagListSchema, tagSummarySchema } from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { notFound, sendError } from '../errors.ts';
import { iso } from '../iso-time.ts';
import { listTagsQuery, TAGS_PAGE_LIMIT, tagParams } from '../schemas.ts';

const tagNotFound = notFound('Tag');

export const listTagsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/tags',
  operationId: 'listTags',
  tag: 'campaigns',
  summary: "The account's tags (in this key's mode) with how many videos carry each",
  description:
    `In alphabetical order of their lowercase form, ${TAGS_PAGE_LIMIT} at most per answer: when \`has_more\` is ` +
    'true, ask again with `starting_after` set to the last tag of the answer.',
  auth: 'apiKey',
  query: listTagsQuery,
  responses: { 200: jsonResponse('The tags, in alphabetical order', tagListSchema, examples.tagList) },
});

export const tagSummaryRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/tags/{tag}/summary',
  operationId: 'getTagSummary',
  tag: 'campaigns',
  summary: 'What the videos carrying a tag add up to: counts, totals, growth over 24 h and 7 d, money',
  description:
    "The tag is compared case-insensitively. Computed when asked, from each video's newest snapshot and its " +
    "snapshots of 24 hours and 7 days ago (found through the snapshots' key), so its cost grows with the " +
    'number of videos, not of snapshots.',
  auth: 'apiKey',
  params: tagParams,
  unknownId: tagNotFound,
  responses: {
    200: jsonResponse('The summary', tagSummarySchema, examples.tagSummary),
    404: jsonResponse('No video of this account (and mode) carries the tag', errorSchema),
  },
});

export function registerTags(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, listTagsRoute, async (request, _reply, { query }) => {
    const { account, mode } = request.auth;
    const limit = query.limit ?? TAGS_PAGE_LIMIT;
    const tags = await listTagCounts(ctx.store, account.id, mode, {
      ...(query.starting_after !== undefined ? { afterKey: tagKey(query.starting_after) } : {}),
      limit: limit + 1,
    });
    return {
      tags: tags.slice(0, limit).map(({ tag, videos }) => ({ tag, videos })),
      has_more: tags.length > limit,
    };
  });

  registerRoute(app, tagSummaryRoute, async (request, reply, { params }) => {
    const { account, mode } = request.auth;
    const now = ctx.clock.now();
    const rollup = await tagRollup(ctx.store, {
      accountId: account.id,
      mode,
      tagKey: tagKey(params.tag),
      now,
    });
    if (!rollup) return sendError(reply, tagNotFound);
    return {
      tag: params.tag,
      videos: rollup.videos,
      by_status: Object.fromEntries(VIDEO_STATUSES.map((s) => [s, rollup.byStatus[s] ?? 0])),
      by_platform: Object.fromEntries(PLATFORMS.map((p) => [p, rollup.byPlatform[p] ?? 0])),
      totals: rollup.totals,
      growth_24h: rollup.growth24h,
      growth_7d: rollup.growth7d,
      charged_usd: microUsdToUsd(rollup.chargedMicroUsd),
      newest_snapshot_at: rollup.newestSnapshotAt === null ? null : iso(rollup.newestSnapshotAt),
      as_of: iso(now),
    };
  });
}
