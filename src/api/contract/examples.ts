// The example of each 2xx answer in the OpenAPI document, made by the real presenters from sample rows: an
// example that drifts from what the server writes fails the contract test, not a reader.
import { SNAPSHOT_EXPORT_COLUMNS, VIDEO_EXPORT_COLUMNS } from '../../exports/columns.ts';
import { csvHeader, csvRows, jsonLines } from '../../exports/formats.ts';
import type { SnapshotExportRow, VideoExportRow } from '../../exports/rows.ts';
import { windowHealth } from '../../health/source-health.ts';
import type { Account, ApiKeyRow, ShareLinkRow, VideoRow, WebhookEndpointRow } from '../../store/schema.ts';
import type { SnapshotRow } from '../../store/snapshots.ts';
import {
  growthDeltas,
  presentAccount,
  presentKey,
  presentShareLink,
  presentSnapshot,
  presentTrackedVideo,
  presentUsage,
  presentVideoDetail,
  presentVideoListItem,
} from '../presenters.ts';
import { presentSourceHealth } from '../source-health-presenter.ts';
import { presentDelivery, presentWebhookEndpoint } from '../webhook-presenters.ts';

const HOUR_MS = 3_600_000;
const CREATED_AT = Date.parse('2024-01-29T10:00:00.000Z');

const video: VideoRow = {
  id: 'vid_7Hq2kX9mPz4wR1tY',
  video_key: 1,
  job_id: 'job_3Fn8cV5bQe2sL6uD',
  account_id: 'acc_9Kd4hT1nWq7eZ3xB',
  mode: 'live',
  platform: 'tiktok',
  platform_video_id: '7301234567890123456',
  video_link: 'https://www.tiktok.com/@creator/video/7301234567890123456',
  canonical_url: 'https://www.tiktok.com/@creator/video/7301234567890123456',
  title: 'How we built it',
  creator: 'creator',
  description: 'Behind the scenes #making',
  status: 'monitoring',
  is_deleted: 0,
  error_reason: null,
  duration_days: 7,
  interval_seconds: 3600,
  total_slots: 168,
  cost_per_snapshot_micro_usd: 15_000,
  reserved_micro_usd: 2_490_000,
  next_slot: 2,
  next_due_at: CREATED_AT + 2 * HOUR_MS,
  attempts: 0,
  snapshots_collected: 2,
  snapshots_missed: 0,
  charged_micro_usd: 30_000,
  created_at: CREATED_AT,
  last_updated_at: CREATED_AT + HOUR_MS,
  ended_at: null,
  snapshots_pruned_at: null,
  metadata: JSON.stringify({ client: 'Acme', brief: 'spring-24' }),
  tags: JSON.stringify(['Spring Launch', 'creator:alex']),
};

const snapshot = (slot: number, views: string, likes: string): SnapshotRow => ({
  video_id: video.id,
  slot,
  taken_at: CREATED_AT + slot * HOUR_MS + 1_250,
  missed: 0,
  views,
  likes,
  comments: '87',
  shares: '40',
  saves: '112',
  provider: 'tiktok-web',
  approximate: 0,
  charged_micro_usd: 15_000,
  legacy_id: null,
});
const snapshots = [snapshot(0, '10412', '1203'), snapshot(1, '12877', '1391')];
const [first, second] = snapshots as [SnapshotRow, SnapshotRow];
const justTracked: VideoRow = {
  ...video,
  next_slot: 1,
  snapshots_collected: 1,
  charged_micro_usd: 15_000,
  last_updated_at: CREATED_AT,
};

const key: ApiKeyRow = {
  id: 'key_5Rb9wE2yU7iO4pAs',
  account_id: video.account_id,
  mode: 'live',
  prefix: 'cs_live_Xk3f',
  key_hash: '',
  name: 'production',
  created_at: CREATED_AT - 86_400_000,
  last_used_at: CREATED_AT,
  revoked_at: null,
};

const account: Account = {
  id: video.account_id,
  email: 'ops@example.com',
  plan: 'pro',
  rate_limit_per_minute: null,
  max_active_videos: null,
  disabled: 0,
  balance_micro_usd: 97_500_000,
  reserved_micro_usd: 2_490_000,
  created_at: CREATED_AT - 86_400_000,
};

const listItem = presentVideoListItem(video, second);

const shareLink: ShareLinkRow = {
  id: 'shl_2Gt7yH4jK9lP1zXc',
  account_id: video.account_id,
  mode: 'live',
  token_hash: '',
  prefix: 'shr_Qm4Zt8',
  video_id: null,
  tag: 'spring-launch',
  origin: 'api',
  created_at: CREATED_AT,
  expires_at: CREATED_AT + 30 * 86_400_000,
  revoked_at: null,
};
const shareToken = 'shr_Qm4Zt8wX2cV6bN1mL5kJ9hG3fD7sA0pO';

const exportTags = ['spring-launch', 'creator-a'];
const snapshotExportRows: SnapshotExportRow[] = [
  { video, tags: exportTags, snapshot: first, deltas: growthDeltas(first, undefined) },
  { video, tags: exportTags, snapshot: second, deltas: growthDeltas(second, first) },
];
const videoExportRows: VideoExportRow[] = [
  {
    video,
    tags: exportTags,
    first,
    newest: second,
    growth: {
      views_growth: '2465',
      likes_growth: '188',
      comments_growth: '0',
      shares_growth: '0',
      saves_growth: '0',
    },
  },
];
const webhook: WebhookEndpointRow = {
  id: 'wh_0Lk3Pq9sT2vX8mZbN4cR',
  account_id: video.account_id,
  mode: 'live',
  url: 'https://hooks.example.com/contentstats',
  description: 'Production receiver',
  events: JSON.stringify(['snapshot.created', 'tracking.completed', 'balance.low']),
  disabled: 0,
  disabled_reason: null,
  secret: 'whsec_MfKQ9r8GKYqXsbpXhtWTDVyd4l8P5lZ+',
  previous_secret: null,
  previous_secret_expires_at: null,
  failing_since: null,
  created_at: CREATED_AT,
  updated_at: CREATED_AT,
};
const delivery = {
  id: 'dlv_0Lk3Q1aB7yH2kD5fG8jL',
  endpoint_id: webhook.id,
  event_id: 'evt_0Lk3Q1aB9sW4eR6tY1uI',
  event_type: 'snapshot.created',
  status: 'delivered' as const,
  attempts: 2,
  next_attempt_at: null,
  last_attempt_at: CREATED_AT + HOUR_MS + 6_400,
  delivered_at: CREATED_AT + HOUR_MS + 6_431,
  created_at: CREATED_AT + HOUR_MS + 1_250,
};
const deliveryAttempts = [
  {
    delivery_id: delivery.id,
    attempt: 1,
    started_at: CREATED_AT + HOUR_MS + 1_262,
    duration_ms: 10_000,
    response_status: null,
    response_body: null,
    error: 'timeout: no complete answer within 10000 ms',
  },
  {
    delivery_id: delivery.id,
    attempt: 2,
    started_at: CREATED_AT + HOUR_MS + 6_400,
    duration_ms: 31,
    response_status: 200,
    response_body: '{"ok":true}',
    error: null,
  },
];
const sourceHealthExample = presentSourceHealth(
  [
    {
      platform: 'twitter',
      source: 'x-graphql',
      lastHour: windowHealth(
        new Map([
          ['success', 3],
          ['format_changed', 57],
        ]),
      ),
      lastDay: windowHealth(
        new Map([
          ['success', 1310],
          ['format_changed', 57],
          ['rate_limited', 9],
        ]),
      ),
      lastSuccessAt: CREATED_AT - 50 * 60_000,
      state: 'degraded',
      stateChangedAt: CREATED_AT - 20 * 60_000,
    },
    {
      platform: 'twitter',
      source: 'x-syndication',
      lastHour: windowHealth(new Map([['success', 57]])),
      lastDay: windowHealth(
        new Map([
          ['success', 70],
          ['not_found', 1],
        ]),
      ),
      lastSuccessAt: CREATED_AT - 30_000,
      state: 'ok',
      stateChangedAt: null,
    },
  ],
  CREATED_AT,
  {
    sourceAlert: { belowShare: 0.5, windowMs: 30 * 60_000, minAttempts: 20 },
    operatorEmail: 'ops@example.com',
  },
);

export const examples = {
  sourceHealth: sourceHealthExample,
  trackedVideo: presentTrackedVideo(justTracked, first),
  videoList: { videos: [listItem], total: 1, limit: 50, has_more: false },
  video: listItem,
  batchResult: {
    results: [
      { index: 0, status: 201, video: presentTrackedVideo(justTracked, first) },
      { index: 1, status: 404, error: { error: 'Video not found or is private' } },
    ],
    created: 1,
    failed: 1,
  },
  tagSummary: {
    tag: 'Spring Launch',
    videos: 80,
    by_status: { monitoring: 72, completed: 6, paused: 0, error: 2, cancelled: 0 },
    by_platform: { tiktok: 51, youtube: 12, instagram: 17, twitter: 0 },
    totals: { views: '18420771', likes: '1203345', comments: '40211', shares: '19877', saves: '30110' },
    growth_24h: { views: '912004', likes: '51230', comments: '1877', shares: '1012', saves: '1510' },
    growth_7d: { views: '6120330', likes: '402118', comments: '13002', shares: '7011', saves: '9980' },
    charged_usd: 121.5,
    newest_snapshot_at: '2024-02-05T09:00:01.250Z',
    as_of: '2024-02-05T09:12:44.000Z',
  },
  tagList: {
    tags: [
      { tag: 'creator:alex', videos: 12 },
      { tag: 'Spring Launch', videos: 80 },
    ],
    has_more: false,
  },
  videoDetail: presentVideoDetail(video, snapshots),
  snapshotPage: {
    video_id: video.id,
    snapshots: [
      Object.assign(presentSnapshot(video, first), growthDeltas(first, undefined)),
      Object.assign(presentSnapshot(video, second), growthDeltas(second, first)),
    ],
    has_more: false,
  },
  snapshotCsv:
    'snapshot_id,snapshot_time,slot,views,likes,comments,shares,saves,views_delta,likes_delta,comments_delta,' +
    'shares_delta,saves_delta,provider,missed\n' +
    `${video.job_id}-0,2024-01-29T10:00:01.250Z,0,10412,1203,87,40,112,,,,,,tiktok-web,false\n` +
    `${video.job_id}-1,2024-01-29T11:00:01.250Z,1,12877,1391,87,40,112,2465,188,0,0,0,tiktok-web,false\n`,
  exportCsv: {
    snapshots: csvHeader(SNAPSHOT_EXPORT_COLUMNS) + csvRows(snapshotExportRows, SNAPSHOT_EXPORT_COLUMNS),
    videos: csvHeader(VIDEO_EXPORT_COLUMNS) + csvRows(videoExportRows, VIDEO_EXPORT_COLUMNS),
  },
  exportJsonl: {
    snapshots: jsonLines(snapshotExportRows, SNAPSHOT_EXPORT_COLUMNS),
    videos: jsonLines(videoExportRows, VIDEO_EXPORT_COLUMNS),
  },
  exportXlsx: '(the bytes of an .xlsx workbook: one sheet, a header row, then the same rows as the CSV)',
  newShareLink: {
    ...presentShareLink(shareLink, CREATED_AT),
    url: `https://stats.example.com/s/${shareToken}`,
    token: shareToken,
  },
  shareLinkList: { share_links: [presentShareLink(shareLink, CREATED_AT)] },
  revokedShareLink: { id: shareLink.id, revoked: true },
  sharedPage:
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>spring-launch · contentstats</title>…',
  statusChange: (previous: VideoRow['status'], next: VideoRow['status']) => ({
    success: true,
    id: video.id,
    job_id: video.job_id,
    video_link: video.video_link,
    previous_status: previous,
    new_status: next,
    video: presentVideoListItem({ ...video, status: next }, second),
  }),
  usage: presentUsage(
    {
      balanceMicroUsd: account.balance_micro_usd,
      reservedMicroUsd: account.reserved_micro_usd,
      activeVideos: 1,
      snapshotsCollected: 2,
      chargedMicroUsd: 30_000,
    },
    'live',
    video.cost_per_snapshot_micro_usd,
  ),
  keyList: { keys: [presentKey(key)] },
  newKey: {
    id: key.id,
    prefix: key.prefix,
    mode: key.mode,
    name: key.name,
    created_at: '2024-01-28T10:00:00.000Z',
    api_key: 'cs_live_Xk3fQ8pL2mN7vB4cR9tY6wE1',
    notice: 'Store this key now: it is shown only once.',
  },
  revokedKey: { id: key.id, revoked: true },
  newAccount: {
    account: presentAccount(account),
    api_key: 'cs_live_Xk3fQ8pL2mN7vB4cR9tY6wE1',
    test_api_key: 'cs_test_Hs5dG1kJ8lZ3xC6vB2nM4qW7',
  },
  accountDetail: {
    account: presentAccount(account),
    keys: [presentKey(key)],
    ledger: { balance_usd: 97.5, reserved_usd: 2.49, charged_usd: 0.03, charges: 2 },
  },
  accountResult: { account: presentAccount(account) },
  cancelledVideo: { success: true, id: video.id, previous_status: 'monitoring', new_status: 'cancelled' },
  newWebhook: { ...presentWebhookEndpoint(webhook, CREATED_AT), secret: webhook.secret },
  webhook: presentWebhookEndpoint(webhook, CREATED_AT),
  webhookList: { webhooks: [presentWebhookEndpoint(webhook, CREATED_AT)] },
  deletedWebhook: { id: webhook.id, deleted: true },
  rotatedSecret: {
    id: webhook.id,
    secret: 'whsec_Q2xvdWRzIGFyZSBub3QgYSBzZWNyZXQhISE=',
    previous_secret_expires_at: '2024-01-30T10:00:00.000Z',
  },
  webhookTestSent: { event_id: 'evt_0Lk3Q1aB9sW4eR6tY1uJ', delivery_id: 'dlv_0Lk3Q1aB7yH2kD5fG8jM' },
  webhookDeliveryPage: { deliveries: [presentDelivery(delivery, deliveryAttempts)], has_more: false },
  redelivery: presentDelivery(
    {
      ...delivery,
      id: 'dlv_0Lk3Q9zX1cV2bN3mA4sD',
      status: 'pending',
      attempts: 0,
      next_attempt_at: CREATED_AT + 2 * HOUR_MS,
      last_attempt_at: null,
      delivered_at: null,
      created_at: CREATED_AT + 2 * HOUR_MS,
    },
    [],
  ),
  balanceAlert: { threshold_usd: 5, armed: true },
  liveness: { status: 'ok' },
  readiness: { status: 'ready' },
  metrics:
    '# TYPE contentstats_http_requests_total counter\n' +
    'contentstats_http_requests_total{route="/api/v1/usage",status="200"} 42\n',
};
