// POST /videos/track as a domain operation: parse the link, probe the platform (the first snapshot proves the
// video exists and is public), then in one transaction create the video, reserve its cost and record slot 0 —
// together with the other tracks whose probes finished meanwhile (TrackWrites).
import { reservationMicroUsd } from '../billing/pricing.ts';
import type { Clock } from '../clock.ts';
import { newTimeOrderedId } from '../ids.ts';
import { parseVideoUrl } from '../platforms/parse-video-url.ts';
import type {
  CollectFailure,
  Collector,
  CollectResult,
  Observation,
  PlatformName,
  UrlParse,
  VideoRef,
} from '../platforms/types.ts';
import { err, ok, type Result } from '../result.ts';
import { findAccount } from '../store/accounts.ts';
import type { Account, Mode, UnkeyedVideoRow } from '../store/schema.ts';
import type { Executor } from '../store/transaction.ts';
import { totalSlots } from './slots.ts';
import type { NewTracking } from './start-trackings.ts';
import type { TrackError, TrackGuard, TrackResult } from './track-result.ts';
import { checkAccountCanTrack, trackWritesFor } from './track-writes.ts';

export interface TrackingDeps {
  store: Executor;
  clock: Clock;
  intervalSeconds: number;
  costPerSnapshotMicroUsd: number;
  /** The collector for a platform in a mode (test mode: the simulator); undefined when none is available. */
  collectorFor(mode: Mode, platform: PlatformName): Collector | undefined;
  /** Pause before the one quick retry of a failed probe. */
  probeRetryDelayMs: number;
}

export type { TrackError, TrackGuard, TrackResult } from './track-result.ts';

export interface TrackInput {
  accountId: string;
  mode: Mode;
  videoLink: string;
  durationDays: number;
  /**
   * The caller's recent view of the account (the API's cached key lookup), used for the early check before
   * the platform is probed. A refusal from it is confirmed against the database before it is answered.
   */
  knownAccount?: Account;
  /** The link already parsed by the caller, when it was. */
  parsedLink?: UrlParse;
  /** Tags as given (trimmed, without case-insensitive duplicates) and metadata, both already validated. */
  tags?: readonly string[];
  metadata?: Readonly<Record<string, string>>;
  guard?: TrackGuard;
}

export async function trackVideo(deps: TrackingDeps, input: TrackInput): Promise<TrackResult> {
  const prepared = await prepareTrack(deps, input);
  if (!prepared.ok) return prepared;
  return writeTrack(deps, prepared.value, input.guard);
}

/** A track up to its write: the account's early check, the link, and the probe that is its slot 0. */
export type PreparedTrack = Result<NewTracking, TrackError>;

/**
 * Everything a track does before its write: a cheap check of the account (the authoritative one is in the
 * write's transaction), the link, and the platform's probe. The batch runs these concurrently.
 */
export async function prepareTrack(deps: TrackingDeps, input: TrackInput): Promise<PreparedTrack> {
  const reserve = reserveFor(input, deps.costPerSnapshotMicroUsd);
  // A cached view of the account may predate a top-up or a plan change: only the stored account may refuse.
  let refusal = input.knownAccount
    ? await checkAccountCanTrack(deps.store, input.knownAccount, input.mode, reserve)
    : await storedAccountRefusal(deps, input, reserve);
  if (refusal && input.knownAccount) refusal = await storedAccountRefusal(deps, input, reserve);
  if (refusal) return err(refusal);

  const parsed = input.parsedLink ?? parseVideoUrl(input.videoLink);
  if (parsed.kind === 'invalid') return err({ kind: 'invalid_url', message: parsed.message });
  const platform = parsed.kind === 'video' ? parsed.ref.platform : parsed.platform;
  const collector = deps.collectorFor(input.mode, platform);
  if (!collector) return platformFailed(deps, input, reserve, { kind: 'no_collector', platform });

  let ref: VideoRef;
  if (parsed.kind === 'short_link') {
    const resolved = collector.resolveShortLink
      ? await collector.resolveShortLink(parsed.shortUrl)
      : err({ kind: 'format_changed', message: 'short links not supported' });
    if (!resolved.ok) return platformFailed(deps, input, reserve, probeError(platform, resolved.error));
    ref = resolved.value;
  } else {
    ref = parsed.ref;
  }

  const startedAt = deps.clock.now();
  const probe = await probeWithOneRetry(collector, ref, deps.probeRetryDelayMs);
  if (!probe.ok) return platformFailed(deps, input, reserve, probeError(platform, probe.error));
  const observation: Observation = probe.value;
  return ok(newTracking(deps, input, ref, observation, startedAt));
}

/** Writes a prepared tracking: the account is checked again, under lock, with the reservation in the same transaction. */
export function writeTrack(
  deps: TrackingDeps,
  tracking: NewTracking,
  guard?: TrackGuard,
): Promise<TrackResult> {
  return trackWritesFor(deps.store).write(guard ? { ...tracking, guard } : tracking);
}

/**
 * A track the platform refused (or could not be read for), answered after other tracks of the same account
 * were written: the account's refusal comes first, as it would for this track sent alone at that moment.
 */
export async function refusalBefore(
  deps: TrackingDeps,
  input: TrackInput,
  error: TrackError,
): Promise<TrackError> {
  if (
    error.kind !== 'video_unavailable' &&
    error.kind !== 'platform_unreadable' &&
    error.kind !== 'no_collector'
  ) {
    return error;
  }
  const refusal = await storedAccountRefusal(deps, input, reserveFor(input, deps.costPerSnapshotMicroUsd));
  return refusal ?? error;
}

/** A tracking about to be written: the video before slot 0 (its whole estimate to reserve) and slot 0's probe. */
export function newTracking(
  deps: Pick<TrackingDeps, 'intervalSeconds' | 'costPerSnapshotMicroUsd'>,
  input: Pick<TrackInput, 'accountId' | 'mode' | 'videoLink' | 'durationDays' | 'tags' | 'metadata'>,
  ref: VideoRef,
  observation: Observation,
  startedAt: number,
): NewTracking {
  const video: UnkeyedVideoRow = {
    id: newTimeOrderedId('vid', startedAt),
    job_id: newTimeOrderedId('job', startedAt),
    account_id: input.accountId,
    mode: input.mode,
    platform: ref.platform,
    platform_video_id: ref.videoId,
    video_link: input.videoLink,
    canonical_url: ref.canonicalUrl,
    title: observation.metadata.title,
    creator: observation.metadata.creator,
    description: observation.metadata.description,
    status: 'monitoring',
    is_deleted: 0,
    error_reason: null,
    duration_days: input.durationDays,
    interval_seconds: deps.intervalSeconds,
    total_slots: totalSlots(input.durationDays),
    cost_per_snapshot_micro_usd: deps.costPerSnapshotMicroUsd,
    reserved_micro_usd: reserveFor(input, deps.costPerSnapshotMicroUsd),
    next_slot: 0,
    next_due_at: startedAt,
    attempts: 0,
    snapshots_collected: 0,
    snapshots_missed: 0,
    charged_micro_usd: 0,
    created_at: startedAt,
    last_updated_at: startedAt,
    ended_at: null,
    metadata: JSON.stringify(input.metadata ?? {}),
    tags: JSON.stringify(input.tags ?? []),
  };
  return { video, observation };
}

/** A tracking reserves the charges of all its slots (nothing in test mode). */
const reserveFor = (input: Pick<TrackInput, 'mode' | 'durationDays'>, costPerSnapshotMicroUsd: number) =>
  reservationMicroUsd(totalSlots(input.durationDays), costPerSnapshotMicroUsd, input.mode);

/**
 * The account's refusal comes before the platform's answer: when the platform fails, a refusal that a cached
 * view of the account (say, of an older reservation) missed is the answer.
 */
async function platformFailed(
  deps: TrackingDeps,
  input: TrackInput,
  reserveMicroUsd: number,
  error: TrackError,
): Promise<Result<never, TrackError>> {
  const refusal = input.knownAccount ? await storedAccountRefusal(deps, input, reserveMicroUsd) : null;
  return err(refusal ?? error);
}

async function storedAccountRefusal(
  deps: TrackingDeps,
  input: TrackInput,
  reserveMicroUsd: number,
): Promise<TrackError | null> {
  const account = await findAccount(deps.store, input.accountId);
  return account
    ? checkAccountCanTrack(deps.store, account, input.mode, reserveMicroUsd)
    : { kind: 'account_disabled' };
}

/** The platform says the video is gone or private: a 404. Anything else it could not be read: a 500. */
function probeError(platform: PlatformName, failure: CollectFailure): TrackError {
  return failure.kind === 'not_found' || failure.kind === 'private'
    ? { kind: 'video_unavailable', failure }
    : { kind: 'platform_unreadable', platform, failure };
}

async function probeWithOneRetry(
  collector: Collector,
  ref: VideoRef,
  retryDelayMs: number,
): Promise<CollectResult> {
  const first = await collectSafely(collector, ref);
  if (first.ok || first.error.kind === 'not_found' || first.error.kind === 'private') return first;
  if (retryDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
  return collectSafely(collector, ref);
}

async function collectSafely(collector: Collector, ref: VideoRef): Promise<CollectResult> {
  try {
    const [result] = await collector.collect([ref]);
    return result ?? err({ kind: 'format_changed', message: 'collector returned no result' });
  } catch (error) {
    // Collectors promise never to throw; if one does, it is a failure to read, not a crash of the request.
    return err({ kind: 'transient', message: error instanceof Error ? error.message : 'collector error' });
  }
}
