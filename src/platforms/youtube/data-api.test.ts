import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readVideosListResponse, videosListUrl } from './data-api.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('videos.list requests', () => {
  it('ask for statistics and snippet of all ids in one call', () => {
    const url = new URL(videosListUrl(['Xr4bK2m9QpA', 'Qm7pZ0cR5yU'], 'AIzaTestKey'));
    expect(url.origin + url.pathname).toBe('https://www.googleapis.com/youtube/v3/videos');
    expect(url.searchParams.get('part')).toBe('statistics,snippet');
    expect(url.searchParams.get('id')).toBe('Xr4bK2m9QpA,Qm7pZ0cR5yU');
    expect(url.searchParams.get('key')).toBe('AIzaTestKey');
  });
});

describe('videos.list answers are read per video', () => {
  const requested = ['Xr4bK2m9QpA', 'Qm7pZ0cR5yU', 'Lk3vN8sT1wE', 'Gn0ne0000Aa'];
  const outcome = readVideosListResponse(200, fixture('data-api-videos.json'), requested);
  const result = (id: string) => (outcome.ok ? outcome.value.get(id) : undefined);

  it('gives exact counts and metadata for a returned video', () => {
    expect(result('Xr4bK2m9QpA')).toEqual({
      ok: true,
      value: {
        metrics: { views: 48_213_997n, likes: 1_234_567n, comments: 20_482n, shares: null, saves: null },
        metadata: {
          title: 'I built a boat in 10 days (and it floats)',
          creator: 'River Workshop',
          description: expect.stringContaining('single sheet of plywood'),
        },
        provider: 'youtube-data-api',
      },
    });
  });

  it('reports a hidden like count and disabled comments as null, never 0', () => {
    expect(result('Qm7pZ0cR5yU')).toMatchObject({
      ok: true,
      value: { metrics: { views: 3071n, likes: null, comments: null, shares: null, saves: null } },
    });
  });

  it('keeps an empty description as an empty string', () => {
    const qm = result('Qm7pZ0cR5yU');
    expect(qm?.ok && qm.value.metadata.description).toBe('');
  });

  it('calls an id missing from items not_found', () => {
    expect(result('Gn0ne0000Aa')).toMatchObject({ ok: false, error: { kind: 'not_found' } });
  });

  it('answers for every requested id, and only those', () => {
    expect(outcome.ok && [...outcome.value.keys()]).toEqual(requested);
  });

  it('calls every id not_found when items is empty', () => {
    const empty = readVideosListResponse(200, fixture('data-api-empty.json'), ['Xr4bK2m9QpA']);
    expect(empty.ok && empty.value.get('Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
  });

  it('calls an item with unreadable statistics format_changed, so the watch page can be tried', () => {
    const body = JSON.stringify({
      items: [{ id: 'Xr4bK2m9QpA', statistics: { viewCount: 48213997, likeCount: 'many' } }],
    });
    const odd = readVideosListResponse(200, body, ['Xr4bK2m9QpA']);
    expect(odd.ok && odd.value.get('Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });

  it('reads the counts that are well-formed and nulls the rest', () => {
    const body = JSON.stringify({
      items: [{ id: 'Xr4bK2m9QpA', statistics: { viewCount: '10', likeCount: 12, commentCount: '-4' } }],
    });
    const mixed = readVideosListResponse(200, body, ['Xr4bK2m9QpA']);
    expect(mixed.ok && mixed.value.get('Xr4bK2m9QpA')).toMatchObject({
      ok: true,
      value: { metrics: { views: 10n, likes: null, comments: null } },
    });
  });
});

describe('videos.list failures are classified for the whole call', () => {
  it.each([
    ['data-api-quota-exceeded.json', 403, 'rate_limited'],
    ['data-api-rate-limit-exceeded.json', 403, 'rate_limited'],
    ['data-api-key-invalid.json', 400, 'blocked'],
    ['data-api-access-not-configured.json', 403, 'blocked'],
    ['data-api-backend-error.json', 503, 'transient'],
  ])('%s (HTTP %i) is %s', (file, status, kind) => {
    expect(readVideosListResponse(status, fixture(file), ['Xr4bK2m9QpA'])).toMatchObject({
      ok: false,
      error: { kind },
    });
  });

  it('names the reason YouTube gave', () => {
    const quota = readVideosListResponse(403, fixture('data-api-quota-exceeded.json'), ['Xr4bK2m9QpA']);
    expect(!quota.ok && quota.error.message).toContain('quotaExceeded');
  });

  it('calls a 200 answer that is not JSON format_changed', () => {
    expect(readVideosListResponse(200, '<html>oops</html>', ['Xr4bK2m9QpA'])).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });

  it('calls a 429 without a JSON body rate_limited and a bare 500 transient', () => {
    expect(readVideosListResponse(429, '', ['Xr4bK2m9QpA'])).toMatchObject({
      error: { kind: 'rate_limited' },
    });
    expect(readVideosListResponse(500, 'Internal', ['Xr4bK2m9QpA'])).toMatchObject({
      error: { kind: 'transient' },
    });
  });
});
