// Every route of the service, in one list: app.ts registers each group in its scope (no key, an API key, the
// admin token) and openapi.ts documents them from the same declarations.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import type { RouteDeclaration } from '../contract/route.ts';
import {
  addCreditRoute,
  cancelVideoRoute,
  createAccountRoute,
  getAccountRoute,
  registerAdmin,
  updateAccountRoute,
} from './admin.ts';
import {
  pauseVideoRoute,
  registerChangeVideoStatus,
  resumeVideoRoute,
  stopVideoRoute,
} from './change-video-status.ts';
import { exportSnapshotsRoute, exportVideosRoute, registerExports } from './exports.ts';
import { getVideoRoute, registerGetVideo } from './get-video.ts';
import { createKeyRoute, listKeysRoute, registerKeys, revokeKeyRoute } from './keys.ts';
import { listVideosRoute, registerListVideos } from './list-videos.ts';
import { livenessRoute, metricsRoute, readinessRoute, registerService } from './service.ts';
import {
  createShareLinkRoute,
  listShareLinksRoute,
  registerShareLinks,
  revokeShareLinkRoute,
} from './share-links.ts';
import { registerSharedView, sharedCsvRoute, sharedJsonRoute, sharedPageRoute } from './shared-view.ts';
import { registerSourceHealth, sourceHealthRoute } from './source-health.ts';
import { listTagsRoute, registerTags, tagSummaryRoute } from './tags.ts';
import { registerTrackBatch, trackBatchRoute } from './track-batch.ts';
import { registerTrackVideo, trackVideoRoute } from './track-video.ts';
import { registerUpdateVideo, updateVideoRoute } from './update-video.ts';
import { registerUsage, usageRoute } from './usage.ts';
import { listSnapshotsRoute, registerVideoSnapshots } from './video-snapshots.ts';
import { registerWebhooks, WEBHOOK_ROUTES } from './webhooks.ts';

/** The routes one file declares, and the function that registers them with their handlers. */
export interface RouteGroup {
  routes: readonly RouteDeclaration[];
  register(app: FastifyInstance, ctx: ApiContext): void;
}

/** At the root, no key needed. */
export const SERVICE_ROUTES: readonly RouteGroup[] = [
  { routes: [livenessRoute, readinessRoute, metricsRoute], register: registerService },
  // What a share link opens: the token is the credential.
  { routes: [sharedPageRoute, sharedCsvRoute, sharedJsonRoute], register: registerSharedView },
];

/** Under /api/v1, behind key authentication and the rate limit. */
export const API_ROUTES: readonly RouteGroup[] = [
  { routes: [trackVideoRoute], register: registerTrackVideo },
  { routes: [trackBatchRoute], register: registerTrackBatch },
  { routes: [listVideosRoute], register: registerListVideos },
  { routes: [getVideoRoute], register: registerGetVideo },
  { routes: [updateVideoRoute], register: registerUpdateVideo },
  { routes: [stopVideoRoute, pauseVideoRoute, resumeVideoRoute], register: registerChangeVideoStatus },
  { routes: [listSnapshotsRoute], register: registerVideoSnapshots },
  { routes: [listTagsRoute, tagSummaryRoute], register: registerTags },
  { routes: [usageRoute], register: registerUsage },
  { routes: [listKeysRoute, createKeyRoute, revokeKeyRoute], register: registerKeys },
  { routes: [exportSnapshotsRoute, exportVideosRoute], register: registerExports },
  {
    routes: [createShareLinkRoute, listShareLinksRoute, revokeShareLinkRoute],
    register: registerShareLinks,
  },
  { routes: WEBHOOK_ROUTES, register: registerWebhooks },
];

/** Under /admin/v1, behind the operator's token. */
export const ADMIN_ROUTES: readonly RouteGroup[] = [
  {
    routes: [createAccountRoute, getAccountRoute, updateAccountRoute, addCreditRoute, cancelVideoRoute],
    register: registerAdmin,
  },
  { routes: [sourceHealthRoute], register: registerSourceHealth },
];

export const ROUTES: readonly RouteGroup[] = [...SERVICE_ROUTES, ...API_ROUTES, ...ADMIN_ROUTES];
