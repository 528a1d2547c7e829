// The named shapes of the API's answers (OpenAPI `components.schemas`): a generated client gets these names as
// its types. Request shapes are in ../schemas.ts and are written out in each operation.
import { z } from 'zod';
import { PLAN_NAMES } from '../../billing/plans.ts';
import { SOURCE_OUTCOMES, type SourceOutcome } from '../../platforms/source-attempts.ts';
import { PLATFORMS } from '../../platforms/types.ts';
import { DELIVERY_STATUSES, MODES, VIDEO_STATUSES } from '../../store/schema.ts';
import { MILESTONE_METRICS, WEBHOOK_EVENT_TYPES } from '../../webhooks/event-types.ts';
import { TRACK_FAILED_ERROR } from '../errors.ts';

export const responseComponents = z.registry<{ id: string }>();

const named = <S extends z.ZodType>(id: string, schema: S): S => {
  responseComponents.add(schema, { id });
  return schema;
};

// ---- Vocabulary ----

export const platformSchema = named('Platform', z.enum(PLATFORMS));
export const videoStatusSchema = named('VideoStatus', z.enum(VIDEO_STATUSES));
export const modeSchema = named('Mode', z.enum(MODES).describe('live keys charge; test keys never do'));
export const planSchema = named('Plan', z.enum(PLAN_NAMES));

const isoTime = z.string().describe('ISO 8601 UTC time with milliseconds');
const usd = z.number().describe('US dollars');

// ---- Videos and snapshots ----

const count = z
  .string()
  .nullable()
  .describe('Exact count as a decimal string; null when the platform does not expose it');

const snapshotFields = {
  id: z.string(),
  snapshot_id: z.string(),
  snapshot_time: isoTime,
  views: count,
  likes: count,
  comments: count,
  shares: count,
  saves: count,
  provider: z.string().nullable().describe('The source the counts came from; null for a missed slot'),
  slot: z.number().int(),
  missed: z
    .literal(true)
    .optional()
    .describe('Present on a slot that could not be collected: no counts, never charged'),
  approximate: z
    .literal(true)
    .optional()
    .describe('Present when the platform only showed rounded counts (such as "2.5M")'),
};

export const snapshotSchema = named('Snapshot', z.object(snapshotFields));

const delta = z
  .string()
  .nullable()
  .describe('Growth since the previous collected snapshot; null when either lacks the metric');

export const snapshotWithGrowthSchema = named(
  'SnapshotWithGrowth',
  z.object({
    ...snapshotFields,
    views_delta: delta,
    likes_delta: delta,
    comments_delta: delta,
    shares_delta: delta,
    saves_delta: delta,
  }),
);

export const snapshotPageSchema = named(
  'SnapshotPage',
  z.object({
    video_id: z.string(),
    snapshots: z.array(snapshotWithGrowthSchema),
    has_more: z.boolean(),
  }),
);

const videoCommon = {
  id: z.string(),
  job_id: z.string(),
  video_link: z.string().describe('As submitted'),
  platform: platformSchema,
  status: videoStatusSchema,
  monitoring_started: isoTime,
  monitoring_duration_days: z.number().int(),
  days_remaining: z.number().int(),
  created_at: isoTime,
  canonical_url: z.string(),
  snapshots_collected: z.number().int(),
  snapshots_missed: z.number().int(),
  next_snapshot_at: isoTime.nullable(),
  ended_at: isoTime.nullable(),
  snapshots_pruned_at: isoTime
    .nullable()
    .describe(
      "When the operator pruned this ended tracking's snapshots (data retention): its counters stay, `snapshots` is empty and `latest` null. Null while they are kept.",
    ),
  error_reason: z.string().nullable(),
  estimated_cost: usd,
  latest: snapshotSchema.nullable(),
  tags: z.array(z.string()).describe('Labels, as first given (compared case-insensitively)'),
  metadata: z.record(z.string(), z.string()).describe("The caller's own key → value pairs"),
};

const fullMetadata = z.object({
  title: z.string().nullable(),
  creator: z.string().nullable(),
  description: z.string().nullable(),
});

/** A video as lists show it. */
export const videoSchema = named(
  'Video',
  z.object({
    ...videoCommon,
    current_metadata: z.object({ title: z.string().nullable(), creator: z.string().nullable() }),
  }),
);

/** The 201 of POST /videos/track: a list item's fields, and the description in `current_metadata`. */
export const trackedVideoSchema = named(
  'TrackedVideo',
  z.object({ ...videoCommon, current_metadata: fullMetadata }),
);

export const videoDetailSchema = named(
  'VideoDetail',
  z.object({
    ...videoCommon,
    is_deleted: z.boolean(),
    current_metadata: fullMetadata,
    snapshots: z.array(snapshotSchema),
    last_updated: isoTime,
  }),
);

export const videoListSchema = named(
  'VideoList',
  z.object({
    videos: z.array(videoSchema),
    total: z.number().int().describe('How many videos this page holds'),
    limit: z.number().int(),
    has_more: z.boolean(),
  }),
);

export const statusChangeSchema = named(
  'StatusChange',
  z.object({
    success: z.literal(true),
    id: z.string(),
    job_id: z.string(),
    video_link: z.string(),
    previous_status: videoStatusSchema,
    new_status: videoStatusSchema,
    video: videoSchema,
  }),
);

export const cancelledVideoSchema = named(
  'CancelledVideo',
  z.object({
    success: z.literal(true),
    id: z.string(),
    previous_status: videoStatusSchema,
    new_status: videoStatusSchema,
  }),
);

// ---- Tags (campaigns) ----

export const tagCountSchema = named(
  'TagCount',
  z.object({
    tag: z.string().describe('The tag as given (one spelling, when videos spell it differently)'),
    videos: z.number().int().describe('Videos carrying it'),
  }),
);

export const tagListSchema = named(
  'TagList',
  z.object({
    tags: z.array(tagCountSchema),
    has_more: z.boolean().describe('More tags follow: ask again with starting_after = the last tag'),
  }),
);

const metricSum = z
  .string()
  .nullable()
  .describe('An exact decimal string; null when no video has the metric');
export const metricSumsSchema = named(
  'MetricSums',
  z.object({
    views: metricSum,
    likes: metricSum,
    comments: metricSum,
    shares: metricSum,
    saves: metricSum,
  }),
);

export const tagSummarySchema = named(
  'TagSummary',
  z.object({
    tag: z.string().describe('The tag as asked for'),
    videos: z.number().int().describe('Videos carrying the tag'),
    by_status: z.record(videoStatusSchema, z.number().int()).describe('Videos per status (every status)'),
    by_platform: z.record(platformSchema, z.number().int()).describe('Videos per platform (every platform)'),
    totals: metricSumsSchema.describe("Σ of each video's newest collected value"),
    growth_24h: metricSumsSchema.describe(
      "Σ of each video's growth over the last 24 hours: its newest value minus its newest value at or before " +
        'then (a video tracked more recently counts from its first snapshot)',
    ),
    growth_7d: metricSumsSchema.describe('The same over the last 7 days'),
    charged_usd: usd.describe("What the videos' snapshots were charged (0 in test mode)"),
    newest_snapshot_at: isoTime
      .nullable()
      .describe('When the newest snapshot of any of the videos was taken'),
    as_of: isoTime.describe('The time the summary was computed at'),
  }),
);

// ---- Money ----

export const usageSchema = named(
  'Usage',
  z.object({
    balance_usd: usd,
    total_snapshots: z.number().int(),
    active_videos: z.number().int(),
    uncharged_usage_usd: usd.describe('Reserved for the remaining snapshots of the videos being tracked'),
    total_charged_usd: usd,
    estimated_snapshots_remaining: z.number().int(),
    cost_per_snapshot: usd,
    available_usd: usd.describe('Balance minus what is reserved'),
    mode: modeSchema,
  }),
);

// ---- Keys and accounts ----

export const apiKeySchema = named(
  'ApiKey',
  z.object({
    id: z.string(),
    prefix: z.string().describe('The first characters of the key, for recognising it'),
    mode: modeSchema,
    name: z.string().nullable(),
    created_at: isoTime,
    last_used_at: isoTime.nullable(),
    revoked_at: isoTime.nullable(),
  }),
);

export const keyListSchema = named('KeyList', z.object({ keys: z.array(apiKeySchema) }));

export const newApiKeySchema = named(
  'NewApiKey',
  z.object({
    id: z.string(),
    prefix: z.string(),
    mode: modeSchema,
    name: z.string().nullable(),
    created_at: isoTime,
    api_key: z.string().describe('The key itself: shown only in this answer'),
    notice: z.string(),
  }),
);

export const revokedKeySchema = named('RevokedKey', z.object({ id: z.string(), revoked: z.literal(true) }));

const limitOverride = z.number().int().nullable().describe("null: the plan's value");

export const accountSchema = named(
  'Account',
  z.object({
    id: z.string(),
    email: z.string(),
    plan: planSchema,
    disabled: z.boolean(),
    balance_usd: usd,
    reserved_usd: usd,
    available_usd: usd,
    rate_limit_per_minute: z.number().int(),
    max_active_videos: z.number().int().nullable().describe('null: unlimited'),
    overrides: z.object({ rate_limit_per_minute: limitOverride, max_active_videos: limitOverride }),
    created_at: isoTime,
  }),
);

export const accountResultSchema = named('AccountResult', z.object({ account: accountSchema }));

export const newAccountSchema = named(
  'NewAccount',
  z.object({
    account: accountSchema,
    api_key: z.string().describe('The live key: shown only in this answer'),
    test_api_key: z.string().describe('The test key: shown only in this answer'),
  }),
);

export const ledgerTotalsSchema = named(
  'LedgerTotals',
  z.object({
    balance_usd: usd,
    reserved_usd: usd,
    charged_usd: usd,
    charges: z.number().int(),
  }),
);

export const accountDetailSchema = named(
  'AccountDetail',
  z.object({ account: accountSchema, keys: z.array(apiKeySchema), ledger: ledgerTotalsSchema }),
);

// ---- Share links ----

const shareLinkFields = {
  id: z.string(),
  prefix: z.string().describe("The token's first characters, for recognising it"),
  video_id: z.string().nullable().describe('The video the link shows (null for a campaign link)'),
  tag: z.string().nullable().describe('The tag whose videos the link shows (null for a video link)'),
  mode: modeSchema,
  origin: z.enum(['api', 'email']).describe('Made by POST /share-links, or for a notification email'),
  status: z.enum(['active', 'expired', 'revoked']),
  created_at: isoTime,
  expires_at: isoTime.nullable().describe('null: never expires'),
  revoked_at: isoTime.nullable(),
};

export const shareLinkSchema = named('ShareLink', z.object(shareLinkFields));

export const newShareLinkSchema = named(
  'NewShareLink',
  z.object({
    ...shareLinkFields,
    url: z.string().describe('PUBLIC_BASE_URL/s/<token>: a read-only page; add .csv or .json for the data'),
    token: z.string().describe('Shown only in this answer; only its hash is stored'),
  }),
);

export const shareLinkListSchema = named(
  'ShareLinkList',
  z.object({ share_links: z.array(shareLinkSchema) }),
);

export const revokedShareLinkSchema = named(
  'RevokedShareLink',
  z.object({ id: z.string(), revoked: z.literal(true) }),
);

// ---- Webhooks ----

export const webhookEventTypeSchema = named('WebhookEventType', z.enum(WEBHOOK_EVENT_TYPES));

const webhookEndpointFields = {
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  description: z.string().nullable(),
  mode: modeSchema.describe("The key's mode: the endpoint receives that mode's events only"),
  disabled: z.boolean(),
  disabled_reason: z
    .string()
    .nullable()
    .describe('Why it is disabled: by the account, or after failing continuously for 5 days'),
  previous_secret_expires_at: isoTime
    .nullable()
    .describe('After a rotation: until when the previous secret also signs'),
  created_at: isoTime,
  updated_at: isoTime,
};

export const webhookEndpointSchema = named('WebhookEndpoint', z.object(webhookEndpointFields));

export const newWebhookEndpointSchema = named(
  'NewWebhookEndpoint',
  z.object({
    ...webhookEndpointFields,
    secret: z.string().describe('The signing secret (whsec_…): shown only in this answer'),
  }),
);

export const webhookEndpointListSchema = named(
  'WebhookEndpointList',
  z.object({ webhooks: z.array(webhookEndpointSchema) }),
);

export const rotatedWebhookSecretSchema = named(
  'RotatedWebhookSecret',
  z.object({
    id: z.string(),
    secret: z.string().describe('The new signing secret: shown only in this answer'),
    previous_secret_expires_at: isoTime.describe('Until then the previous secret signs beside the new one'),
  }),
);

export const deletedWebhookSchema = named(
  'DeletedWebhook',
  z.object({ id: z.string(), deleted: z.literal(true) }),
);

export const webhookDeliveryAttemptSchema = named(
  'WebhookDeliveryAttempt',
  z.object({
    attempt: z.number().int(),
    started_at: isoTime,
    duration_ms: z.number().int(),
    response_status: z.number().int().nullable().describe('null when no answer came'),
    response_body: z.string().nullable().describe('The start of the answer (at most 1 KB)'),
    error: z.string().nullable().describe('Why the attempt failed; null when it succeeded'),
  }),
);

export const webhookDeliverySchema = named(
  'WebhookDelivery',
  z.object({
    id: z.string(),
    event_id: z.string().describe('The webhook-id header: the same on every attempt and redelivery'),
    event_type: webhookEventTypeSchema,
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.array(webhookDeliveryAttemptSchema),
    next_attempt_at: isoTime.nullable().describe('While pending: when it is tried next'),
    created_at: isoTime,
    delivered_at: isoTime.nullable(),
  }),
);

export const webhookDeliveryPageSchema = named(
  'WebhookDeliveryPage',
  z.object({ deliveries: z.array(webhookDeliverySchema), has_more: z.boolean() }),
);

export const webhookTestSentSchema = named(
  'WebhookTestSent',
  z.object({ event_id: z.string(), delivery_id: z.string() }),
);

export const balanceAlertSchema = named(
  'BalanceAlert',
  z.object({
    threshold_usd: usd.nullable().describe('null: one day of the live trackings’ current spend'),
    armed: z.boolean().describe('False once balance.low fired, until a top-up or a new threshold'),
  }),
);

// What the receivers get: {id, type, created_at, data}. Named so the OpenAPI document carries each payload.
const eventOf = <T extends string, D extends z.ZodType>(type: T | readonly T[], data: D) =>
  z.object({
    id: z.string().describe('evt_…, also the webhook-id header'),
    type: typeof type === 'string' ? z.literal(type) : z.enum(type as readonly T[] as [T, ...T[]]),
    created_at: isoTime,
    data,
  });

export const snapshotCreatedEventSchema = named(
  'SnapshotCreatedEvent',
  eventOf('snapshot.created', z.object({ video: videoSchema, snapshot: snapshotSchema })),
);
export const snapshotMissedEventSchema = named(
  'SnapshotMissedEvent',
  eventOf('snapshot.missed', z.object({ video: videoSchema, snapshot: snapshotSchema })),
);
export const trackingEventSchema = named(
  'TrackingEvent',
  eventOf(['tracking.completed', 'tracking.error', 'tracking.paused'], z.object({ video: videoSchema })),
);
export const balanceLowEventSchema = named(
  'BalanceLowEvent',
  eventOf(
    'balance.low',
    z.object({
      available_usd: usd.describe('Balance minus what is reserved'),
      balance_usd: usd,
      reserved_usd: usd,
      threshold_usd: usd.describe("The account's threshold, or one day of its current spend"),
      daily_spend_usd: usd.describe('What its live trackings cost per day'),
    }),
  ),
);
export const videoMilestoneEventSchema = named(
  'VideoMilestoneEvent',
  eventOf(
    'video.milestone',
    z.object({
      metric: z.enum(MILESTONE_METRICS),
      threshold: z.number().int().describe('1000, 10000, … 100000000'),
      value: z.string().describe('The count that reached it'),
      video: videoSchema,
      snapshot: snapshotSchema,
    }),
  ),
);
export const webhookTestEventSchema = named(
  'WebhookTestEvent',
  eventOf('webhook.test', z.object({ webhook_id: z.string(), message: z.string() })),
);

// ---- Service ----

export const livenessSchema = named('Liveness', z.object({ status: z.literal('ok') }));
export const readinessSchema = named('Readiness', z.object({ status: z.literal('ready') }));
export const notReadySchema = named(
  'NotReady',
  z.object({ status: z.literal('unavailable'), reason: z.string() }),
);

// ---- Errors ----

export const errorSchema = named(
  'Error',
  z.object({ error: z.string(), message: z.string().optional().describe('Why, when it is not obvious') }),
);

export const fieldIssueSchema = named(
  'FieldIssue',
  z.object({
    field: z.string().describe('The bad field, a query parameter, a header, or "body"'),
    message: z.string(),
  }),
);

export const validationErrorSchema = named(
  'ValidationError',
  z.object({ error: z.string(), details: z.array(fieldIssueSchema).describe('One entry per bad field') }),
);

export const insufficientBalanceSchema = named(
  'InsufficientBalance',
  z.object({
    error: z.literal('Insufficient balance'),
    balance: usd.describe('The available balance (balance minus reserved)'),
    estimated_cost: usd,
    required: usd.describe('estimated_cost minus balance'),
  }),
);

export const rateLimitExceededSchema = named(
  'RateLimitExceeded',
  z.object({
    error: z.literal('Rate limit exceeded'),
    limit: z.number().int(),
    reset: z.number().int().describe('Unix seconds when the window resets'),
  }),
);

export const videoLimitReachedSchema = named(
  'VideoLimitReached',
  z.object({ error: z.string(), limit: z.number().int().describe('Videos the account may monitor at once') }),
);

export const webhookLimitReachedSchema = named(
  'WebhookLimitReached',
  z.object({
    error: z.literal('Webhook limit reached'),
    message: z.string(),
    limit: z.number().int().describe('Webhook endpoints the plan allows per mode'),
  }),
);

export const statusConflictSchema = named(
  'StatusConflict',
  z.object({ error: z.string(), status: videoStatusSchema.describe('The status the video is in') }),
);

export const trackFailedSchema = named(
  'TrackFailed',
  z.object({
    error: z.literal(TRACK_FAILED_ERROR),
    reason: z
      .string()
      .describe(
        'What went wrong, in plain words: e.g. "TikTok could not be reached (network error connecting to ' +
          'www.tiktok.com)", or that the platform blocked the request, rate limited it, or answered in a format ' +
          'that was not recognised',
      ),
  }),
);

// ---- Batch tracking ----

export const batchItemResultSchema = named(
  'BatchItemResult',
  z.object({
    index: z.number().int().describe("The item's place in `videos`, from 0"),
    status: z
      .number()
      .int()
      .describe('What POST /videos/track would have answered for this item: 201, 402, 403, 404, 409 or 500'),
    video: trackedVideoSchema.optional().describe('The tracked video (status 201)'),
    error: z
      .union([insufficientBalanceSchema, videoLimitReachedSchema, trackFailedSchema, errorSchema])
      .optional()
      .describe('The body of that answer (other statuses)'),
  }),
);

export const batchResultSchema = named(
  'BatchResult',
  z.object({
    results: z.array(batchItemResultSchema).describe('One per item, in order'),
    created: z.number().int().describe('Items tracked (status 201)'),
    failed: z.number().int().describe('Items not tracked'),
  }),
);

// ---- Source health (operator) ----

const share = z.number().min(0).max(1).describe("Share of the window's reads, 0 to 1");
const windowHealthSchema = z.object({
  attempts: z.number().int().describe('Reads of the source in the window, all processes together'),
  working_share: share
    .nullable()
    .describe('Share that worked: counts, or a definite "private" / "not found"; null without reads'),
  outcomes: z
    .object(
      Object.fromEntries(SOURCE_OUTCOMES.map((outcome) => [outcome, share])) as Record<
        SourceOutcome,
        typeof share
      >,
    )
    .describe('Share of the reads per outcome: `success` or the kind of failure'),
});

export const sourceHealthListSchema = named(
  'SourceHealthList',
  z.object({
    generated_at: isoTime,
    alert: z.object({
      below_share: share.describe('A source with a working share under this over the window is degraded'),
      window_minutes: z.number().int(),
      min_attempts: z.number().int(),
      operator_email_set: z.boolean(),
    }),
    sources: z.array(
      z.object({
        platform: platformSchema,
        source: z.string().describe('e.g. tiktok-web, youtube-data-api, x-graphql, instagram-web'),
        last_hour: windowHealthSchema,
        last_day: windowHealthSchema,
        last_success_at: isoTime.nullable(),
        state: z.enum(['ok', 'degraded']),
        state_changed_at: isoTime.nullable(),
      }),
    ),
  }),
);
