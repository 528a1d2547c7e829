import { err, ok, type Result } from '../result.ts';
// The vocabulary every platform module speaks. Nothing here knows about the database, money or HTTP serving.

/** Every platform, in the order they are listed; each has its descriptor in `registry.ts`. */
export const PLATFORMS = ['tiktok', 'youtube', 'instagram', 'twitter'] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** Counts are exact integers; a metric the source does not expose is null (never 0). */
export interface Metrics {
  views: bigint | null;
  likes: bigint | null;
  comments: bigint | null;
  shares: bigint | null;
  saves: bigint | null;
}

export interface VideoMetadata {
  title: string | null;
  creator: string | null;
  description: string | null;
}

/** One successful reading of a video's public counts. */
export interface Observation {
  metrics: Metrics;
  metadata: VideoMetadata;
  /** The source that produced it, e.g. `tiktok-web`, `youtube-data-api`, `x-graphql`, `simulator`. */
  provider: string;
  /** True when a count was only available abbreviated ("2.5M") and no exact value existed. */
  approximate?: boolean;
}

/**
 * Why a collection failed. The scheduler decides what each kind means (retry, miss, end tracking)
 * in one table; collectors only classify.
 */
export const FAILURE_KINDS = [
  'not_found',
  'private',
  'blocked',
  'rate_limited',
  'transient',
  'format_changed',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface CollectFailure {
  kind: FailureKind;
  /** Short, operator-facing explanation (never shown with secrets or raw bodies). */
  message: string;
  /** For not_found: the platform says the video was deleted (sets `is_deleted`). */
  deleted?: boolean;
  /** For rate_limited: the platform's Retry-After, when it gave one. */
  retryAfterMs?: number;
  /** For a failed exchange (no answer came): how it failed, and the platform host it was with. */
  exchange?: { failed: 'network' | 'timeout'; host: string };
}

export type CollectResult = Result<Observation, CollectFailure>;

/** A video identified on its platform. Built by parsing a URL; canonical URLs are built from the id. */
export interface VideoRef {
  platform: PlatformName;
  videoId: string;
  canonicalUrl: string;
  /**
   * The slot of its tracking this reading is for, when the scheduler collects one (absent at track time,
   * which is slot 0). Real platforms ignore it; the simulator scripts its late endings by it.
   */
  slot?: number;
}

/**
 * The result of parsing a user-supplied URL. `short_link` is a TikTok short link whose video id is only
 * known after following its redirects inside TikTok's hosts. Read-only: a parse may be shared (the API keeps
 * the last one, api/schemas.ts).
 */
export type UrlParse =
  | { readonly kind: 'video'; readonly ref: Readonly<VideoRef> }
  | { readonly kind: 'short_link'; readonly platform: PlatformName; readonly shortUrl: string }
  | { readonly kind: 'invalid'; readonly message: string };

export interface Collector {
  platform: PlatformName;
  /** How many videos one call of `collect` may take (1 for per-video sources; 50 for YouTube's API…). */
  batchSize: number;
  /** Reads each video's counts; the results are in the order of `refs`. Never throws. */
  collect(refs: readonly VideoRef[], signal?: AbortSignal): Promise<CollectResult[]>;
  /** Follows a short link hop by hop inside the platform's hosts to the video it points at. */
  resolveShortLink?(shortUrl: string, signal?: AbortSignal): Promise<Result<VideoRef, CollectFailure>>;
}

export const success = (observation: Observation): CollectResult => ok(observation);
export const failure = (
  kind: FailureKind,
  message: string,
  extra: Partial<CollectFailure> = {},
): CollectResult => err({ kind, message, ...extra });
