import { describe, expect, it } from 'vitest';
import type { OutboundResponse } from '../http/types.ts';
import { classifyHttpStatus, outboundFailure, rateLimitWaitMs } from './http-failure.ts';
import { INSTAGRAM_HTTP_STATUSES } from './instagram/http-statuses.ts';
import { TIKTOK_HTTP_STATUSES } from './tiktok/http-statuses.ts';
import { X_HTTP_STATUSES } from './twitter/http-statuses.ts';
import { YOUTUBE_HTTP_STATUSES } from './youtube/http-statuses.ts';

const NOW = Date.parse('2024-07-13T13:00:00.000Z');

const answer = (status: number, headers: Record<string, string> = {}): OutboundResponse => ({
  status,
  headers,
  body: '',
  finalUrl: 'https://example.invalid/',
  redirects: [],
});

describe('rateLimitWaitMs', () => {
  it('reads Retry-After in seconds', () => {
    expect(rateLimitWaitMs({ 'retry-after': '30' }, NOW, false)).toBe(30_000);
  });

  it('reads Retry-After as an HTTP date', () => {
    expect(rateLimitWaitMs({ 'Retry-After': 'Sat, 13 Jul 2024 13:02:00 GMT' }, NOW, false)).toBe(120_000);
  });

  it("reads X's x-rate-limit-reset as unix seconds, only where the platform sends it", () => {
    const headers = { 'x-rate-limit-reset': String(NOW / 1000 + 900) };
    expect(rateLimitWaitMs(headers, NOW, true)).toBe(900_000);
    expect(rateLimitWaitMs(headers, NOW, false)).toBeUndefined();
  });

  it('gives nothing for a reset in the past or a header that is not a time', () => {
    expect(rateLimitWaitMs({ 'x-rate-limit-reset': String(NOW / 1000 - 5) }, NOW, true)).toBeUndefined();
    expect(rateLimitWaitMs({ 'retry-after': 'soon' }, NOW, true)).toBeUndefined();
    expect(rateLimitWaitMs({}, NOW, true)).toBeUndefined();
  });
});

describe('what an HTTP status means on each platform', () => {
  it('TikTok: a 2xx page decides for itself, 410 is a deletion, anything unknown a passing error', () => {
    expect(classifyHttpStatus('TikTok', answer(200), NOW, TIKTOK_HTTP_STATUSES)).toBeNull();
    expect(classifyHttpStatus('TikTok', answer(410), NOW, TIKTOK_HTTP_STATUSES)).toEqual({
      kind: 'not_found',
      deleted: true,
      message: 'TikTok answered HTTP 410',
    });
    expect(classifyHttpStatus('TikTok', answer(302), NOW, TIKTOK_HTTP_STATUSES)?.kind).toBe('transient');
    expect(
      classifyHttpStatus('TikTok', answer(429, { 'retry-after': '5' }), NOW, TIKTOK_HTTP_STATUSES),
    ).toEqual({ kind: 'rate_limited', message: 'TikTok answered HTTP 429', retryAfterMs: 5_000 });
  });

  it('YouTube: 451 is a refusal, an unknown status a format change', () => {
    expect(classifyHttpStatus('YouTube', answer(451), NOW, YOUTUBE_HTTP_STATUSES)).toEqual({
      kind: 'blocked',
      message: 'YouTube refused the request (HTTP 451)',
    });
    expect(classifyHttpStatus('YouTube', answer(418), NOW, YOUTUBE_HTTP_STATUSES)?.kind).toBe(
      'format_changed',
    );
    expect(classifyHttpStatus('YouTube', answer(503), NOW, YOUTUBE_HTTP_STATUSES)?.kind).toBe('transient');
  });

  it('X and Instagram: a status outside their common meanings is left to the endpoint', () => {
    expect(classifyHttpStatus('x-graphql', answer(404), NOW, X_HTTP_STATUSES)).toBeNull();
    expect(classifyHttpStatus('x-graphql', answer(502), NOW, X_HTTP_STATUSES)).toEqual({
      kind: 'transient',
      message: 'x-graphql: HTTP 502',
    });
    expect(classifyHttpStatus('Instagram', answer(404), NOW, INSTAGRAM_HTTP_STATUSES)).toBeNull();
    expect(classifyHttpStatus('Instagram', answer(403), NOW, INSTAGRAM_HTTP_STATUSES)?.kind).toBe('blocked');
  });
});

describe('a failed exchange', () => {
  it('names the platform host it failed with, for a network error or a timeout', () => {
    expect(
      outboundFailure(
        'TikTok',
        { kind: 'timeout', message: 'no answer' },
        'https://www.tiktok.com/@_/video/1',
      ),
    ).toEqual({
      kind: 'transient',
      message: 'TikTok request failed: timeout (no answer)',
      exchange: { failed: 'timeout', host: 'www.tiktok.com' },
    });
    expect(outboundFailure('X', { kind: 'too_many_redirects', message: '' }).kind).toBe('blocked');
  });
});
