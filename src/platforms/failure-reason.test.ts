import { describe, expect, it } from 'vitest';
import { failureReason, noCollectorReason } from './failure-reason.ts';
import type { CollectFailure } from './types.ts';

describe('the reason a person is given for an unreadable platform', () => {
  // Messages are for the server log: they may carry replacement addresses, paths and pieces of answers.
  const leaky =
    'connect ECONNREFUSED 127.0.0.1:40123 at /srv/contentstats/src/http/client.ts <html>Forbidden';

  it.each<[CollectFailure, string]>([
    [
      { kind: 'transient', message: leaky, exchange: { failed: 'network', host: 'www.tiktok.com' } },
      'TikTok could not be reached (network error connecting to www.tiktok.com)',
    ],
    [
      { kind: 'transient', message: leaky, exchange: { failed: 'timeout', host: 'www.tiktok.com' } },
      'TikTok could not be reached (www.tiktok.com did not answer in time)',
    ],
    [
      { kind: 'transient', message: leaky },
      'TikTok answered with an error on its side; try again in a few minutes',
    ],
    [
      { kind: 'rate_limited', message: leaky, retryAfterMs: 90_500 },
      'TikTok is rate limiting this server; try again in 91 seconds',
    ],
    [{ kind: 'rate_limited', message: leaky }, 'TikTok is rate limiting this server; try again later'],
    [
      { kind: 'blocked', message: leaky },
      "TikTok blocked this server's request (a bot check, a sign-in or consent page, or a refusal); try again later",
    ],
    [
      { kind: 'format_changed', message: leaky },
      'TikTok answered, but the page format was not recognised (TikTok may have changed it)',
    ],
  ])('%o reads %j, without the message', (failure, reason) => {
    expect(failureReason('tiktok', failure)).toBe(reason);
  });

  it('names each platform by its display name', () => {
    const blocked: CollectFailure = { kind: 'format_changed', message: '' };
    expect(failureReason('twitter', blocked)).toMatch(/^X answered/);
    expect(failureReason('youtube', blocked)).toMatch(/^YouTube answered/);
    expect(failureReason('instagram', blocked)).toMatch(/^Instagram answered/);
    expect(noCollectorReason('youtube')).toBe(
      'YouTube is not read by this server (no collector is set up for it)',
    );
  });
});
