import { describe, expect, it } from 'vitest';
import { createSourcePreference } from './source-preference.ts';
import { type CollectResult, failure, success } from './types.ts';

const counts: CollectResult = success({
  metrics: { views: 1n, likes: null, comments: null, shares: null, saves: null },
  metadata: { title: null, creator: null, description: null },
  provider: 'fallback',
});
const blocked = failure('blocked', 'bot check');
const changed = failure('format_changed', 'unknown shape');
const outage = failure('transient', 'HTTP 503');
const MINUTE = 60_000;

describe('preferring the fallback of a broken source', () => {
  it('passes the source over after three broken answers while the fallback answered, for the cool-down', () => {
    let now = 0;
    const preference = createSourcePreference({ now: () => now });
    preference.report(blocked, counts);
    preference.report(changed, counts);
    expect(preference.skipSource()).toBe(false);
    preference.report(blocked, counts);
    expect(preference.skipSource()).toBe(true);
    now += 15 * MINUTE - 1;
    expect(preference.skipSource()).toBe(true);
    now += 1;
    expect(preference.skipSource()).toBe(false);
  });

  it('counts nothing when the fallback failed too, or the source only had an outage', () => {
    const preference = createSourcePreference({ now: () => 0 });
    for (let i = 0; i < 5; i++) preference.report(blocked, outage);
    for (let i = 0; i < 5; i++) preference.report(outage, counts);
    preference.report(blocked);
    expect(preference.skipSource()).toBe(false);
  });

  it('doubles the cool-down while the source stays broken, up to the cap, and forgets it on a success', () => {
    let now = 0;
    const preference = createSourcePreference({
      now: () => now,
      coolDownMs: MINUTE,
      maxCoolDownMs: 3 * MINUTE,
    });
    for (let i = 0; i < 3; i++) preference.report(changed, counts);
    expect(preference.coolDownUntilMs).toBe(MINUTE);
    now = MINUTE;
    preference.report(changed, counts);
    expect(preference.coolDownUntilMs).toBe(3 * MINUTE);
    now = 3 * MINUTE;
    preference.report(changed, counts);
    expect(preference.coolDownUntilMs).toBe(6 * MINUTE);
    now = 6 * MINUTE;
    preference.report(counts);
    preference.report(changed, counts);
    expect(preference.skipSource()).toBe(false);
  });

  it('a definite answer about the video counts as the source working', () => {
    const preference = createSourcePreference({ now: () => 0 });
    preference.report(blocked, counts);
    preference.report(blocked, counts);
    preference.report(failure('private', 'private account'));
    preference.report(blocked, counts);
    expect(preference.skipSource()).toBe(false);
  });
});
