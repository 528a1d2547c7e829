// POST/GET /share-links and DELETE /share-links/{id}: an account makes, lists and revokes the read-only links
// that open one of its videos or campaigns without a key (served by shared-view.ts).
import type { FastifyInstance } from 'fastify';
import { createShareLink, listShareLinks, revokeShareLink } from '../../accounts/share-links.ts';
import type { ApiContext } from '../context.ts';
import {
  errorSchema,
  newShareLinkSchema,
  revokedShareLinkSchema,
  shareLinkListSchema,
} from '../contract/components.ts';
import { examples } from '../contract/examples.ts';
import { defineRoute, jsonResponse, registerRoute } from '../contract/route.ts';
import { shareLinkErrorReply } from '../error-replies.ts';
import { notFound, sendError } from '../errors.ts';
import { presentShareLink } from '../presenters.ts';
import { createShareLinkBody, videoIdParams } from '../schemas.ts';

export const createShareLinkRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/share-links',
  operationId: 'createShareLink',
  tag: 'share-links',
  summary:
    'A read-only link to a video or a campaign (tag) that opens without a key; the token is shown once',
  description:
    'url opens an HTML page; url + ".csv" and url + ".json" serve the data with no header needed ' +
    "(Google Sheets' IMPORTDATA, Excel's web query). The link shows only its video or the account's videos " +
    'carrying its tag, in the mode of the key that made it.',
  auth: 'apiKey',
  body: createShareLinkBody,
  responses: {
    201: jsonResponse('The new link', newShareLinkSchema, examples.newShareLink),
    404: jsonResponse('Video not found', errorSchema),
  },
});

export const listShareLinksRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/share-links',
  operationId: 'listShareLinks',
  tag: 'share-links',
  summary: "The account's share links in the calling key's mode, newest first (tokens are never shown again)",
  auth: 'apiKey',
  responses: { 200: jsonResponse('Share links', shareLinkListSchema, examples.shareLinkList) },
});

export const revokeShareLinkRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/share-links/{id}',
  operationId: 'revokeShareLink',
  tag: 'share-links',
  summary: 'Revoke a share link: it stops opening at once',
  auth: 'apiKey',
  params: videoIdParams,
  unknownId: notFound('Share link'),
  responses: {
    200: jsonResponse('Revoked', revokedShareLinkSchema, examples.revokedShareLink),
    404: jsonResponse('Share link not found (or already revoked)', errorSchema),
  },
});

/** The address a token opens. */
export const shareUrl = (ctx: ApiContext, token: string): string => `${ctx.config.publicBaseUrl}/s/${token}`;

export function registerShareLinks(app: FastifyInstance, ctx: ApiContext): void {
  registerRoute(app, createShareLinkRoute, async (request, reply, { body }) => {
    const { account, mode } = request.auth;
    const now = ctx.clock.now();
    const created = await createShareLink(ctx.store, {
      accountId: account.id,
      mode,
      scope: body.video_id !== undefined ? { videoId: body.video_id } : { tag: body.tag! },
      expiresAt: body.expires_at ? Date.parse(body.expires_at) : null,
      now,
    });
    if (!created.ok) return sendError(reply, shareLinkErrorReply(created.error));
    const { row, token } = created.value;
    return reply.code(201).send({ ...presentShareLink(row, now), url: shareUrl(ctx, token), token });
  });

  registerRoute(app, listShareLinksRoute, async (request) => {
    const { account, mode } = request.auth;
    const now = ctx.clock.now();
    const links = await listShareLinks(ctx.store, account.id, mode);
    return { share_links: links.map((link) => presentShareLink(link, now)) };
  });

  registerRoute(app, revokeShareLinkRoute, async (request, reply, { params }) => {
    const { account, mode } = request.auth;
    const revoked = await revokeShareLink(ctx.store, account.id, mode, params.id, ctx.clock.now());
    if (!revoked.ok) return sendError(reply, shareLinkErrorReply(revoked.error));
    return { id: params.id, revoked: true };
  });
}
