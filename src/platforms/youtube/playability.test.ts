import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyPlayability } from './playability.ts';

const statuses = JSON.parse(
  readFileSync(new URL('./fixtures/playability-statuses.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

describe('playability statuses are told apart by their text, not only their code', () => {
  it.each([
    ['ok', { kind: 'playable' }],
    ['upcomingPremiere', { kind: 'playable' }],
    ['private', { kind: 'unavailable', failure: { kind: 'private' } }],
    ['botCheck', { kind: 'unavailable', failure: { kind: 'blocked' } }],
    ['captcha', { kind: 'unavailable', failure: { kind: 'blocked' } }],
    ['ageGate', { kind: 'gated' }],
    ['ageVerification', { kind: 'gated' }],
    ['contentWarning', { kind: 'gated' }],
    ['tryAgainLater', { kind: 'unavailable', failure: { kind: 'rate_limited' } }],
    ['regionBlocked', { kind: 'unavailable', failure: { kind: 'blocked' } }],
    ['membersOnly', { kind: 'unavailable', failure: { kind: 'private' } }],
    ['unavailable', { kind: 'unavailable', failure: { kind: 'not_found' } }],
    ['removedForViolation', { kind: 'unavailable', failure: { kind: 'not_found', deleted: true } }],
    ['copyrightClaim', { kind: 'unavailable', failure: { kind: 'not_found', deleted: true } }],
    ['loginOther', { kind: 'unavailable', failure: { kind: 'blocked' } }],
    ['unknownStatus', { kind: 'unknown' }],
  ])('%s → %o', (name, expected) => {
    expect(statuses[name]).toBeDefined();
    expect(classifyPlayability(statuses[name])).toMatchObject(expected);
  });

  it('treats a missing status as unknown, leaving the decision to the counts', () => {
    expect(classifyPlayability(undefined)).toEqual({ kind: 'unknown' });
    expect(classifyPlayability({ status: 7 })).toEqual({ kind: 'unknown' });
  });

  it('does not call a video merely unavailable deleted', () => {
    const result = classifyPlayability(statuses.unavailable);
    expect(result.kind === 'unavailable' && result.failure.deleted).toBeFalsy();
  });
});
