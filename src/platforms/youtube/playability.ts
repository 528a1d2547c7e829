// `ytInitialPlayerResponse.playabilityStatus` says whether the watch page will play the video, and
// when not, why — in a status code plus human text (asked for in English). Several different
// situations share one status (LOGIN_REQUIRED covers private videos, age gates and YouTube's bot
// check), so the text decides.

import { asArray, asRecord, asString, at } from '../json-read.ts';
import type { CollectFailure } from '../types.ts';
import { textOf } from './text-object.ts';

export type Playability =
  /** OK, or an offline/upcoming live stream: the page describes the video normally. */
  | { kind: 'playable' }
  /**
   * Age-restricted or behind a content warning. The video is public, but a logged-out page may hide
   * parts of it; the caller reads whatever counts the page still carries.
   */
  | { kind: 'gated'; reason: string }
  /** The page has no usable status; the caller decides from the rest of the page. */
  | { kind: 'unknown' }
  | { kind: 'unavailable'; failure: CollectFailure };

const SIGNALS = {
  botCheck: /not a bot|unusual traffic/,
  // "This content isn't available, try again later" — YouTube's per-session rate limit.
  tryAgainLater: /try again later/,
  // "This video has been removed by the uploader", "…removed for violating YouTube's Terms of Service",
  // "…no longer available because the YouTube account associated with this video has been terminated".
  deleted: /removed|terminated|deleted|no longer available/,
  private: /\bprivate\b/,
  membersOnly: /members-only|members only|join this channel/,
  ageGate: /confirm your age|age-restricted|age restricted|inappropriate for some users|age verification/,
  region: /in your country|in your region|your location/,
} as const;

const GATED_STATUSES = new Set(['AGE_VERIFICATION_REQUIRED', 'AGE_CHECK_REQUIRED', 'CONTENT_CHECK_REQUIRED']);

export function classifyPlayability(playabilityStatus: unknown): Playability {
  const record = asRecord(playabilityStatus);
  const status = asString(record?.status);
  if (!record || !status) return { kind: 'unknown' };
  if (status === 'OK' || status === 'LIVE_STREAM_OFFLINE') return { kind: 'playable' };

  const reason = playabilityText(record);
  const text = reason.toLowerCase();
  const unavailable = (kind: CollectFailure['kind'], message: string, extra: Partial<CollectFailure> = {}) =>
    ({ kind: 'unavailable', failure: { kind, message, ...extra } }) as const;

  if (SIGNALS.botCheck.test(text) || at(record, 'errorScreen', 'playerCaptchaViewModel') !== undefined) {
    return unavailable('blocked', `YouTube wants a sign-in to prove this is not a bot (${status})`);
  }
  if (SIGNALS.tryAgainLater.test(text)) {
    return unavailable('rate_limited', 'YouTube says the content is not available now, try again later');
  }
  if (SIGNALS.deleted.test(text)) {
    return unavailable('not_found', `YouTube says the video was removed: ${reason}`, { deleted: true });
  }
  if (SIGNALS.private.test(text)) return unavailable('private', 'YouTube says the video is private');
  if (SIGNALS.membersOnly.test(text)) {
    return unavailable('private', 'The video is for channel members only');
  }
  if (
    GATED_STATUSES.has(status) ||
    record.desktopLegacyAgeGateReason !== undefined ||
    SIGNALS.ageGate.test(text)
  ) {
    return { kind: 'gated', reason: reason || status };
  }
  if (SIGNALS.region.test(text)) {
    return unavailable('blocked', `The video is not available where the collector runs: ${reason}`);
  }
  if (status === 'ERROR' || status === 'UNPLAYABLE') {
    return unavailable('not_found', `YouTube says the video is unavailable${reason ? `: ${reason}` : ''}`);
  }
  if (status === 'LOGIN_REQUIRED') {
    return unavailable('blocked', `YouTube asks to sign in${reason ? `: ${reason}` : ''}`);
  }
  return { kind: 'unknown' };
}

/** The reason, messages and error-screen texts of a playability status, joined. */
function playabilityText(record: Record<string, unknown>): string {
  const errorScreen = at(record, 'errorScreen', 'playerErrorMessageRenderer');
  const parts = [
    asString(record.reason),
    ...asArray(record.messages).map(asString),
    textOf(at(errorScreen, 'reason')),
    textOf(at(errorScreen, 'subreason')),
  ].filter((part): part is string => part !== undefined && part.trim() !== '');
  return [...new Set(parts)].join('. ');
}
