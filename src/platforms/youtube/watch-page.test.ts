import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asString, at } from '../json-read.ts';
import { extractAssignedObject } from './embedded-json.ts';
import { parseWatchPage } from './watch-page.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('the watch page parser reads a public video', () => {
  it('takes exact views, likes and comments from a full page', () => {
    expect(parseWatchPage(fixture('watch-public.html'), 'Xr4bK2m9QpA')).toEqual({
      ok: true,
      value: {
        metrics: { views: 48_213_997n, likes: 1_234_567n, comments: 20_482n, shares: null, saves: null },
        metadata: {
          title: 'I built a boat in 10 days (and it floats)',
          creator: 'River Workshop',
          description: expect.stringContaining('"Stitch and glue" {the fast way}'),
        },
        provider: 'youtube-web',
      },
    });
  });

  it('reads the page at the size YouTube serves it (1 MB) as the smaller page of the same video', () => {
    expect(parseWatchPage(fixture('watch-public-full.html'), 'Xr4bK2m9QpA')).toEqual(
      parseWatchPage(fixture('watch-public.html'), 'Xr4bK2m9QpA'),
    );
  });

  it('keeps the description exactly, with the characters YouTube escapes inside the page', () => {
    const result = parseWatchPage(fixture('watch-public.html'), 'Xr4bK2m9QpA');
    expect(result.ok && result.value.metadata.description).toContain(
      '<script>alert("not code")</script> — quotes " and backslashes \\ are escaped',
    );
  });

  it('marks the reading approximate when likes and comments exist only abbreviated', () => {
    const result = parseWatchPage(fixture('watch-abbreviated-counts.html'), 'Lk3vN8sT1wE');
    expect(result).toMatchObject({
      ok: true,
      value: {
        metrics: { views: 98_765_432n, likes: 2_500_000n, comments: 501_000n, shares: null, saves: null },
        approximate: true,
        provider: 'youtube-web',
      },
    });
  });

  it('reports hidden likes and turned-off comments as null, never 0', () => {
    const result = parseWatchPage(fixture('watch-likes-hidden-comments-off.html'), 'Qm7pZ0cR5yU');
    expect(result).toEqual({
      ok: true,
      value: {
        metrics: { views: 3071n, likes: null, comments: null, shares: null, saves: null },
        metadata: {
          title: 'Morning routine (comments off)',
          creator: 'Quiet Channel',
          description: 'The owner hides the like count and turned comments off.',
        },
        provider: 'youtube-web',
      },
    });
  });

  it('falls back to the exact label under the player when the player response lacks the view count', () => {
    const page = fixture('watch-public.html').replaceAll('"viewCount":"48213997"', '"viewCount":"n/a"');
    expect(parseWatchPage(page, 'Xr4bK2m9QpA')).toMatchObject({
      ok: true,
      value: { metrics: { views: 48_213_997n, likes: 1_234_567n, comments: 20_482n } },
    });
  });

  it("reads the like button's exact accessibility text when the like entity is missing", () => {
    const page = fixture('watch-public.html').replaceAll('"likeCountEntity"', '"renamedEntity"');
    expect(parseWatchPage(page, 'Xr4bK2m9QpA')).toMatchObject({
      ok: true,
      value: { metrics: { likes: 1_234_567n } },
    });
  });

  it('never takes the "if liked" count, which includes the viewer\'s own like', () => {
    const result = parseWatchPage(fixture('watch-public.html'), 'Xr4bK2m9QpA');
    expect(result.ok && result.value.metrics.likes).not.toBe(1_234_568n);
  });

  it('does not take the abbreviated views of related videos for the video', () => {
    const result = parseWatchPage(fixture('watch-likes-hidden-comments-off.html'), 'Qm7pZ0cR5yU');
    expect(result.ok && result.value.approximate).toBeFalsy();
  });
});

describe('the watch page parser on an age-restricted video', () => {
  it('reads the counts the gated page still carries (the video is public)', () => {
    expect(parseWatchPage(fixture('watch-age-restricted.html'), 'Ag3Rs7tD9kF')).toMatchObject({
      ok: true,
      value: {
        metrics: { views: 5_120_339n, likes: null, comments: null, shares: null, saves: null },
        metadata: { title: 'Extreme bridge jumps compilation', creator: 'Stunt Archive' },
        provider: 'youtube-web',
      },
    });
  });

  it('calls it blocked, not private or missing, when the gated page shows no counts', () => {
    expect(parseWatchPage(fixture('watch-age-restricted-no-details.html'), 'Ag9Hd2nX4pL')).toMatchObject({
      ok: false,
      error: { kind: 'blocked', message: expect.stringContaining('age-restricted') },
    });
  });
});

describe('the watch page parser reads counts whatever the playability', () => {
  it('collects a rental that will not play without payment but shows its counts', () => {
    expect(parseWatchPage(fixture('watch-rental.html'), 'Rn7tP4yM2sK')).toEqual({
      ok: true,
      value: {
        metrics: { views: 731_204n, likes: 18_342n, comments: null, shares: null, saves: null },
        metadata: {
          title: 'The River Builders (Full Documentary)',
          creator: 'River Workshop Films',
          description: 'Rent or buy the full documentary. 1h 32m.',
        },
        provider: 'youtube-web',
      },
    });
  });
});

describe('the watch page parser classifies unavailable videos', () => {
  it.each([
    ['watch-private.html', 'Pv8tE1aB6cD', { kind: 'private' }],
    ['watch-members-only.html', 'Mb3rS5oN7lY', { kind: 'private' }],
    ['watch-bot-check.html', 'Bt5cK0qW2eR', { kind: 'blocked' }],
    ['watch-unavailable.html', 'Un4vL9aI1bM', { kind: 'not_found' }],
    ['watch-removed-terminated.html', 'Tm2nA7tE3dX', { kind: 'not_found', deleted: true }],
    ['watch-removed-by-uploader.html', 'Rm6vU1pL8dE', { kind: 'not_found', deleted: true }],
  ])('%s is %o', (file, videoId, expected) => {
    const result = parseWatchPage(fixture(file), videoId);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject(expected);
  });

  it('does not call an unavailable video deleted unless YouTube says it was removed', () => {
    const result = parseWatchPage(fixture('watch-unavailable.html'), 'Un4vL9aI1bM');
    expect(!result.ok && result.error.deleted).toBeFalsy();
  });

  it('tells the bot check apart from a private video', () => {
    const result = parseWatchPage(fixture('watch-bot-check.html'), 'Bt5cK0qW2eR');
    expect(!result.ok && result.error.message).toMatch(/not a bot/);
  });
});

describe('the watch page parser on pages that are not a watch page', () => {
  it('calls the cookie-consent interstitial blocked', () => {
    expect(parseWatchPage(fixture('consent-interstitial.html'), 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'blocked' },
    });
  });

  it('calls the cookie-consent interstitial blocked in any language', () => {
    expect(parseWatchPage(fixture('consent-interstitial-de.html'), 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'blocked', message: expect.stringContaining('consent') },
    });
  });

  it('does not take a page that merely links to consent.youtube.com for the consent page', () => {
    const page =
      '<!DOCTYPE html><html><body><a href="https://consent.youtube.com/ml">Privacy</a></body></html>';
    expect(parseWatchPage(page, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });

  it('calls a page without player data format_changed', () => {
    expect(parseWatchPage('<!DOCTYPE html><html><body>Hello</body></html>', 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });

  it('calls a page cut off in the middle of the player data format_changed', () => {
    const page = fixture('watch-public.html');
    const cut = page.slice(0, page.indexOf('ytInitialPlayerResponse = ') + 5000);
    expect(parseWatchPage(cut, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });

  it('treats a player response for another video as a transient glitch', () => {
    expect(parseWatchPage(fixture('watch-public.html'), 'Zz9Zz9Zz9Zz')).toMatchObject({
      ok: false,
      error: { kind: 'transient' },
    });
  });

  it('calls a playable page with every count missing format_changed', () => {
    const page = fixture('watch-likes-hidden-comments-off.html')
      .replaceAll('"viewCount":"3071"', '"viewCount":"unknown"')
      .replaceAll('3,071 views', 'views');
    expect(parseWatchPage(page, 'Qm7pZ0cR5yU')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });
});

describe('the watch page parser reads a page from its bytes as from its text', () => {
  const pages = readdirSync(new URL('./fixtures/', import.meta.url)).filter((name) => name.endsWith('.html'));

  it.each(pages)('on %s', (name) => {
    const bytes = readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const text = bytes.toString('utf8');
    const player = extractAssignedObject(text, 'ytInitialPlayerResponse');
    const videoId = asString(at(player, 'videoDetails', 'videoId')) ?? 'Xr4bK2m9QpA';
    expect(parseWatchPage(bytes, videoId)).toEqual(parseWatchPage(text, videoId));
  });

  it('decodes the non-ASCII characters of the objects (and only those)', () => {
    const page = fixture('watch-public.html').replaceAll(
      'I built a boat in 10 days (and it floats)',
      'Ein Boot in 10 Tagen – 日本語 🚣',
    );
    expect(parseWatchPage(Buffer.from(page), 'Xr4bK2m9QpA')).toMatchObject({
      ok: true,
      value: {
        metrics: { views: 48_213_997n, likes: 1_234_567n, comments: 20_482n },
        metadata: { title: 'Ein Boot in 10 Tagen – 日本語 🚣' },
      },
    });
  });

  it('still calls the cookie-consent interstitial blocked', () => {
    expect(parseWatchPage(Buffer.from(fixture('consent-interstitial-de.html')), 'Xr4bK2m9QpA')).toMatchObject(
      {
        ok: false,
        error: { kind: 'blocked' },
      },
    );
  });

  it('still calls a page without player data format_changed', () => {
    const page = Buffer.from('\ufeff<!DOCTYPE html><html><body>Grüße</body></html>');
    expect(parseWatchPage(page, 'Xr4bK2m9QpA')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });
});
