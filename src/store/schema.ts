// Row types of every table, shared by both dialects. Times are epoch milliseconds; money is integer
// micro-USD; flags are 0/1 integers (the same in SQLite and PostgreSQL). Platform counts are BIGINT columns
// read back as decimal strings (see snapshots.ts) so nothing above 2^53 is ever rounded.
import type { Generated, Insertable, Selectable } from 'kysely';

// The lists are the types' source: the API's enums are built from them, so the two cannot drift apart.
export const MODES = ['live', 'test'] as const;
export type Mode = (typeof MODES)[number];
export const VIDEO_STATUSES = ['monitoring', 'completed', 'paused', 'error', 'cancelled'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];
/** The statuses a tracking ends in (`ended_at` set); it never leaves them. Paused is not one: it can resume. */
export const ENDED_STATUSES = ['completed', 'error', 'cancelled'] as const satisfies readonly VideoStatus[];
/**
 * `batch_charge` (migration 010): the charges of one account's snapshots recorded in one transaction, as one
 * entry; each of those snapshots carries its own charge and this entry's id. `charge` is the one-entry-per-
 * snapshot form written before 010, kept as history.
 */
export type LedgerKind = 'credit' | 'reserve' | 'charge' | 'batch_charge' | 'release' | 'adjustment';

export interface AccountsTable {
  id: string;
  email: string;
  plan: string;
  /** Per-account overrides of the plan; null = the plan's value. */
  rate_limit_per_minute: number | null;
  max_active_videos: number | null;
  disabled: number;
  balance_micro_usd: number;
  reserved_micro_usd: number;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  mode: Mode;
  /** The first characters of the key, shown in listings ("cs_live_AbC1…"). */
  prefix: string;
  /** SHA-256 of the full key, hex. The key itself is never stored. */
  key_hash: string;
  name: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  account_id: string;
  video_id: string | null;
  /** Set only on `charge` entries (before migration 010): the snapshot paid for. UNIQUE. */
  snapshot_id: string | null;
  kind: LedgerKind;
  /** Effect on the balance (credit +, charge −, adjustment ±; reserve and release 0). */
  balance_delta_micro_usd: number;
  /** Effect on the reserved total (reserve +, charge −, release −; credit 0). */
  reserved_delta_micro_usd: number;
  note: string | null;
  created_at: number;
}

export interface VideosTable {
  id: string;
  /**
   * The video's compact integer key inside the snapshots table (migration 010), assigned on insert in creation
   * order; never shown. On PostgreSQL its block is its snapshots' partition (snapshot-partitions.ts).
   */
  video_key: number;
  job_id: string;
  account_id: string;
  mode: Mode;
  platform: string;
  platform_video_id: string;
  video_link: string;
  canonical_url: string;
  title: string | null;
  creator: string | null;
  description: string | null;
  status: VideoStatus;
  is_deleted: number;
  error_reason: string | null;
  duration_days: number;
  interval_seconds: number;
  total_slots: number;
  cost_per_snapshot_micro_usd: number;
  /** What is still reserved for this video's remaining slots (0 in test mode). */
  reserved_micro_usd: number;
  /** The next slot to collect; slots before it are settled (stored, missed or skipped). */
  next_slot: number;
  /** When `next_slot` is due; null once tracking has ended or while paused. */
  next_due_at: number | null;
  /** Failed attempts at `next_slot` so far, and when the next retry may run. */
  attempts: number;
  snapshots_collected: number;
  snapshots_missed: number;
  /** Σ of the charges its stored snapshots carry (migration 010; 0 in test mode). */
  charged_micro_usd: number;
  created_at: number;
  last_updated_at: number;
  ended_at: number | null;
  /**
   * When `contentstats prune` removed its last snapshot rows (migration 011); null while it holds them, and for
   * a video pruned before 011. Set by the prune only (store/prune.ts, store/snapshot-partitions.ts).
   */
  snapshots_pruned_at: Generated<number | null>;
  /** The caller's metadata, a JSON object of string values (migration 007). */
  metadata: Generated<string>;
  /** The video's tags as given, in order, a JSON array of strings; `video_tags` indexes them (migration 007). */
  tags: Generated<string>;
}

/** One tag of one video (migration 007): `tag` as given, `tag_key` its trimmed lowercase comparison form. */
export interface VideoTagsTable {
  video_id: string;
  account_id: string;
  mode: Mode;
  tag: string;
  tag_key: string;
  position: number;
  video_created_at: number;
}

/**
 * One slot of one video (migration 010): keyed by (video_key, slot), nothing stored that the video or the
 * slot already says. Its public ids are derived (presentation/video.ts); those of snapshots recorded before
 * 010 are kept in `snapshot_legacy_ids`.
 */
export interface SnapshotsTable {
  video_key: number;
  slot: number;
  taken_at: number;
  views: bigint | string | null;
  likes: bigint | string | null;
  comments: bigint | string | null;
  shares: bigint | string | null;
  saves: bigint | string | null;
  /** How the counts were read (`snapshot_sources.code`); null when the slot could not be collected (missed). */
  source: number | null;
  /** What this snapshot was charged (0: test mode, or missed). */
  charged_micro_usd: number;
  /** The ledger entry that posted the charge (a `batch_charge`, or a pre-010 `charge`); null when not charged. */
  ledger_entry_id: number | null;
}

/** Where a snapshot's counts came from and whether they were rounded: a handful of rows (migration 010). */
export interface SnapshotSourcesTable {
  code: Generated<number>;
  /** The collector's provider name (`tiktok-web`, `x-api-v2`, …). */
  provider: string | null;
  /** 1 when the platform only showed rounded counts ("2.5M"). */
  approximate: number;
}

/** The random ids of the snapshots recorded before migration 010 (later ones are derived, not stored). */
export interface SnapshotLegacyIdsTable {
  video_key: number;
  slot: number;
  id: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  /** Test and live keys of one account use the same Idempotency-Key values independently. */
  mode: 'live' | 'test';
  idempotency_key: string;
  request_hash: string;
  /** The request holding an in-flight claim (null once answered). */
  claim_token: string | null;
  /** An in-flight claim past this time belongs to a request presumed dead: a retry may take it over. */
  lease_expires_at: number | null;
  /** null while the first request is still in flight. */
  status_code: number | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

export interface OutboxTable {
  id: Generated<number>;
  kind: 'email' | 'webhook';
  /** Null for an email to the operator (a source health alert), which belongs to no account. */
  account_id: string | null;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  sent_at: number | null;
  last_error: string | null;
  created_at: number;
}

/** Running totals of an account's videos in one mode (see migrations/002-account-usage.ts). */
export interface AccountUsageTable {
  account_id: string;
  mode: Mode;
  /** Videos in `monitoring`. */
  active_videos: number;
  snapshots_collected: number;
  /** Σ charges of collected snapshots (0 in test mode, which never charges). */
  charged_micro_usd: number;
}

/** Requests claimed per key and one-minute window by the API processes together (migrations/003-…). */
export interface RateLimitWindowsTable {
  key_id: string;
  /** Unix ms when the window began. */
  window_start: number;
  claimed: number;
}

export interface AuthVersionTable {
  id: number;
  version: number;
}

/** A read-only link to one video's or one tag's data (migrations/008-share-links.ts). */
export interface ShareLinksTable {
  id: string;
  account_id: string;
  mode: Mode;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  token_hash: string;
  /** The first characters of the token, shown in listings. */
  prefix: string;
  /** Exactly one of video_id and tag is set. */
  video_id: string | null;
  tag: string | null;
  origin: 'api' | 'email';
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A registered webhook endpoint (migrations/006-webhooks.ts). */
export interface WebhookEndpointsTable {
  id: string;
  account_id: string;
  mode: Mode;
  url: string;
  description: string | null;
  /** JSON array of event types. */
  events: string;
  disabled: number;
  disabled_reason: string | null;
  /** `whsec_` + base64 key. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  /** When the current run of failed attempts began; null after a success. */
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookEventsTable {
  id: string;
  account_id: string;
  mode: Mode;
  type: string;
  /** The exact body sent on every attempt; null until first sent when `deferred_data` is set. */
  payload: string | null;
  /** What a snapshot.created payload is rendered from at its first delivery (webhooks/snapshot-payload.ts). */
  deferred_data: string | null;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  status: DeliveryStatus;
  attempts: number;
  /** Due time while pending (the lease's end while an attempt runs); null once delivered or failed. */
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

export interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
}

export interface VideoMilestonesTable {
  video_id: string;
  metric: string;
  threshold: number | string;
  reached_at: number;
}

/** An account's balance.low alert: its own threshold and whether it is armed (migrations/006-webhooks.ts). */
export interface BalanceAlertsTable {
  account_id: string;
  /** Alert when the available balance falls below this; null = one day of the account's current spend. */
  threshold_micro_usd: number | null;
  /** When the alert was last sent; null = armed (a top-up re-arms it). */
  alerted_at: number | null;
}

/** The snapshot.created events of one recorded batch, until a delivery worker expands them. */
export interface WebhookPendingSnapshotsTable {
  id: string;
  account_id: string;
  mode: Mode;
  /** JSON array of endpoint ids. */
  endpoint_ids: string;
  /** JSON array: each entry becomes one event's deferred_data. */
  items: string;
  created_at: number;
}

/** Reads of one platform source that came to one outcome within one minute (migrations/009-…). */
export interface SourceAttemptsTable {
  /** Unix ms at the start of the minute. */
  minute_start: number;
  platform: string;
  source: string;
  /** `success` or a failure kind. */
  outcome: string;
  attempts: number;
  /** The latest of these attempts. */
  last_at: number;
}

/** Per source: its alert state and last success (migrations/009-…). */
export interface SourceHealthTable {
  platform: string;
  source: string;
  state: 'ok' | 'degraded';
  state_changed_at: number | null;
  last_success_at: number | null;
}

export interface Database {
  webhook_pending_snapshots: WebhookPendingSnapshotsTable;
  balance_alerts: BalanceAlertsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  video_milestones: VideoMilestonesTable;
  auth_version: AuthVersionTable;
  accounts: AccountsTable;
  rate_limit_windows: RateLimitWindowsTable;
  account_usage: AccountUsageTable;
  api_keys: ApiKeysTable;
  ledger_entries: LedgerEntriesTable;
  videos: VideosTable;
  video_tags: VideoTagsTable;
  snapshots: SnapshotsTable;
  snapshot_sources: SnapshotSourcesTable;
  snapshot_legacy_ids: SnapshotLegacyIdsTable;
  idempotency_keys: IdempotencyKeysTable;
  outbox: OutboxTable;
  share_links: ShareLinksTable;
  source_attempts: SourceAttemptsTable;
  source_health: SourceHealthTable;
}

export type Account = Selectable<AccountsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type VideoRow = Selectable<VideosTable>;
export type NewVideo = Insertable<VideosTable>;
/** A video before it is stored: its key is assigned by the insert (videos.ts); a new video is not pruned. */
export type UnkeyedVideoRow = Omit<VideoRow, 'video_key' | 'snapshots_pruned_at'>;
export type LedgerEntry = Selectable<LedgerEntriesTable>;
export type ShareLinkRow = Selectable<ShareLinksTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
