// The example of each 2xx answer in the OpenAPI document, made by the real presenters from sample rows: an
// example that drifts from what the server writes fails the contract test, not a reader.
import { windowHealth } from '../../health/source-health.ts';
import type { Account, ApiKeyRow, VideoRow } from '../../store/schema.ts';
import type { SnapshotRow } from '../../store/snapshots.ts';
import {
  growthDeltas,
  presentAccount,
  presentKey,
  presentSnapshot,
  presentTrackedVideo,
  presentUsage,
  presentVideoDetail,
  presentVideoListItem,
} from '../presenters.ts';
import { presentSourceHealth } from '../source-health-presenter.ts';

const HOUR_MS = 3_600_000;
const CREATED_AT = Date.parse('2024-01-29T10:00:00.000Z');

const video: VideoRow = {
  id: 'vid_7Hq2kX9mPz4wR1tY',
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
  created_at: CREATED_AT,
  last_updated_at: CREATED_AT + HOUR_MS,
  ended_at: null,
};

const snapshot = (slot: number, views: string, likes: string): SnapshotRow => ({
  id: `snp_${slot}Mx8qR2vK5tN`,
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
});
const snapshots = [snapshot(0, '10412', '1203'), snapshot(1, '12877', '1391')];
const [first, second] = snapshots as [SnapshotRow, SnapshotRow];
const justTracked: VideoRow = { ...video, next_slot: 1, snapshots_collected: 1, last_updated_at: CREATED_AT };

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
  liveness: { status: 'ok' },
  readiness: { status: 'ready' },
  metrics:
    '# TYPE contentstats_http_requests_total counter\n' +
    'contentstats_http_requests_total{route="/api/v1/usage",status="200"} 42\n',
};
