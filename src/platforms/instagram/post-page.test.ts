import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDisplayedCount, readMetaCounts } from './meta-counts.ts';
import { parsePostPage } from './post-page.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('the post page parser reads the post the page ships', () => {
  it('takes exact counts from the preloaded web_info query', () => {
    expect(parsePostPage(fixture('post-page-reel.html'), 'C3wq-PRO_fT')).toEqual({
      ok: true,
      value: {
        metrics: { views: 2_418_377n, likes: 183_204n, comments: 4_821n, shares: null, saves: null },
        metadata: {
          title: null,
          creator: 'riverworkshop',
          description: expect.stringContaining('Launch day'),
        },
        provider: 'instagram-web',
      },
    });
  });

  it('takes exact counts from xig_polaris_media', () => {
    expect(parsePostPage(fixture('post-page-polaris.html'), 'DA1b2C3d4E5')).toEqual({
      ok: true,
      value: {
        metrics: { views: null, likes: 12_873n, comments: 345n, shares: null, saves: null },
        metadata: { title: null, creator: 'breadscience', description: 'Crumb shot of the week.' },
        provider: 'instagram-web',
      },
    });
  });

  it('falls back to the description meta tag, marked approximate when abbreviated', () => {
    expect(parsePostPage(fixture('post-page-meta-only.html'), 'DA1b2C3d4E5')).toEqual({
      ok: true,
      value: {
        metrics: { views: null, likes: 12_000n, comments: 345n, shares: null, saves: null },
        metadata: { title: null, creator: 'breadscience', description: null },
        provider: 'instagram-web',
        approximate: true,
      },
    });
  });

  it("does not read another post's data or meta tag as this one", () => {
    expect(parsePostPage(fixture('post-page-polaris.html'), 'C3wq-PRO_fT')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });
});

describe('the post page parser classifies pages without the post', () => {
  it.each([
    ['post-page-not-found.html', 'not_found'],
    ['post-page-private.html', 'private'],
    ['login-page.html', 'rate_limited'],
  ])('%s is %s', (file, kind) => {
    expect(parsePostPage(fixture(file), 'C3wq-PRO_fT')).toMatchObject({ ok: false, error: { kind } });
  });

  it('calls a page with neither data nor counts format_changed', () => {
    expect(
      parsePostPage('<!DOCTYPE html><html><head><title>Instagram</title></head></html>', 'C3wq-PRO_fT'),
    ).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });

  it('does not take phrases inside script blobs for what the page shows', () => {
    const page = `<html><head><title>Instagram</title></head><body><script type="application/json">{"strings":["This account is private","Sorry, this page isn't available."]}</script></body></html>`;
    expect(parsePostPage(page, 'C3wq-PRO_fT')).toMatchObject({
      ok: false,
      error: { kind: 'format_changed' },
    });
  });
});

describe('counts as the description meta tag prints them', () => {
  it.each([
    ['4,821', 4_821n, true],
    ['345', 345n, true],
    ['1 ', 1n, true],
    ['183K', 183_000n, false],
    ['1.2M', 1_200_000n, false],
    ['12k', 12_000n, false],
  ])('%j is %s (exact: %s)', (text, value, exact) => {
    expect(parseDisplayedCount(text)).toEqual({ value, exact });
  });

  it.each([['1,23'], ['1.5'], ['many'], ['']])('%j is not a count', (text) => {
    expect(parseDisplayedCount(text)).toBeNull();
  });

  it('reads likes, comments and the author', () => {
    const html =
      '<meta property="og:description" content="1 like, 0 comments - new.user_1 on March 3, 2026: &quot;hi&quot;. " />';
    expect(readMetaCounts(html)).toEqual({
      likes: { value: 1n, exact: true },
      comments: { value: 0n, exact: true },
      username: 'new.user_1',
    });
  });
});
