import { describe, expect, it } from 'vitest';
import { failureFromTombstone, failureFromUnavailableReason } from './unavailable-tweet.ts';

describe('what X shows instead of a post', () => {
  it.each([
    ['This Post was deleted by the Post author. Learn more', 'not_found', true],
    ['This Tweet was deleted by the Tweet author. Learn more', 'not_found', true],
    ['This Post is from an account that no longer exists. Learn more', 'not_found', true],
    ['This Tweet is from a suspended account. Learn more', 'private', undefined],
    [
      'You’re unable to view this Tweet because this account owner limits who can view their Tweets.',
      'private',
      undefined,
    ],
    [
      'Age-restricted adult content. This content might not be appropriate for people under 18 years old.',
      'private',
      undefined,
    ],
    ['This Post has been withheld in Germany in response to a legal demand.', 'private', undefined],
    ['This Post is unavailable. Learn more', 'not_found', undefined],
    [null, 'not_found', undefined],
  ])('tombstone "%s" → %s', (text, kind, deleted) => {
    const problem = failureFromTombstone('x-graphql', text);
    expect(problem.kind).toBe(kind);
    expect(problem.deleted).toBe(deleted);
  });

  it.each([
    ['Protected', 'private', undefined],
    ['Suspended', 'private', undefined],
    ['NsfwLoggedOut', 'private', undefined],
    ['Deleted', 'not_found', true],
    ['SomethingNew', 'not_found', undefined],
    [null, 'not_found', undefined],
  ])('TweetUnavailable reason %s → %s', (reason, kind, deleted) => {
    const problem = failureFromUnavailableReason('x-graphql', reason);
    expect(problem.kind).toBe(kind);
    expect(problem.deleted).toBe(deleted);
  });
});
