import type { CollectFailure } from '../types.ts';

// What X says instead of a tweet, mapped to a failure kind. X words these for people, not programs, and has
// renamed "Tweet" to "Post", so the texts are matched on their telling words, in both wordings:
//   "This Post was deleted by the Post author. Learn more"                      → not_found, deleted
//   "This Post is from an account that no longer exists. Learn more"           → not_found, deleted
//   "This Post is from a suspended account. Learn more"                        → private
//   "You’re unable to view this Post because this account owner limits who can view their Posts. Learn more"
//                                                                              → private
//   "Age-restricted adult content. … you’ll need to log in to X. Learn more"   → private
//   "This Post is unavailable. Learn more" (or anything else)                  → not_found, not known deleted
// Age-restricted posts are public but never shown to logged-out readers, which is all we are: for us they
// are as unreadable as a protected account, and tracking them would only ever miss.

const TOMBSTONE_RULES: readonly { pattern: RegExp; failure: Omit<CollectFailure, 'message'>; why: string }[] =
  [
    { pattern: /\bdeleted\b/i, failure: { kind: 'not_found', deleted: true }, why: 'deleted' },
    {
      pattern: /no longer exists/i,
      failure: { kind: 'not_found', deleted: true },
      why: 'account no longer exists',
    },
    { pattern: /suspended/i, failure: { kind: 'private' }, why: 'account suspended' },
    { pattern: /limits who can view|protected/i, failure: { kind: 'private' }, why: 'protected account' },
    { pattern: /age-restricted|adult content/i, failure: { kind: 'private' }, why: 'age-restricted' },
    { pattern: /withheld/i, failure: { kind: 'private' }, why: 'withheld in this country' },
  ];

export function failureFromTombstone(source: string, tombstoneText: string | null): CollectFailure {
  const text = tombstoneText ?? '';
  for (const rule of TOMBSTONE_RULES) {
    if (rule.pattern.test(text)) return { ...rule.failure, message: `${source}: tombstone (${rule.why})` };
  }
  return { kind: 'not_found', message: `${source}: tombstone (${text.slice(0, 80) || 'no text'})` };
}

// `TweetUnavailable.reason` values seen in GraphQL answers to logged-out readers.
const UNAVAILABLE_REASONS: Readonly<Record<string, Omit<CollectFailure, 'message'>>> = {
  Protected: { kind: 'private' },
  Suspended: { kind: 'private' },
  Limited: { kind: 'private' },
  Blocked: { kind: 'private' },
  NsfwLoggedOut: { kind: 'private' },
  Deleted: { kind: 'not_found', deleted: true },
  BounceDeleted: { kind: 'not_found', deleted: true },
  Deactivated: { kind: 'not_found', deleted: true },
  Missing: { kind: 'not_found', deleted: true },
};

export function failureFromUnavailableReason(source: string, reason: string | null): CollectFailure {
  const known =
    reason !== null && Object.hasOwn(UNAVAILABLE_REASONS, reason) ? UNAVAILABLE_REASONS[reason] : undefined;
  if (known) return { ...known, message: `${source}: unavailable (${reason})` };
  return { kind: 'not_found', message: `${source}: unavailable (${reason ?? 'no reason given'})` };
}
