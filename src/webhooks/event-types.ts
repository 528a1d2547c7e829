// The events a webhook endpoint can subscribe to. The list is the source of the API's enum and the docs.
export const WEBHOOK_EVENT_TYPES = [
  'snapshot.created',
  'snapshot.missed',
  'tracking.completed',
  'tracking.error',
  'tracking.paused',
  'balance.low',
  'video.milestone',
  'webhook.test',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);

/** Views and likes thresholds announced by video.milestone, each at most once per video. */
export const MILESTONE_THRESHOLDS = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000] as const;
export const MILESTONE_METRICS = ['views', 'likes'] as const;
export type MilestoneMetric = (typeof MILESTONE_METRICS)[number];
