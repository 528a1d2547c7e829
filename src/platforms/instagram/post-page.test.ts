import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRecord } from '../json-read.ts';
import { asInstagramMedia, isPost, readInstagramMedia } from './media.ts';
import { parseDisplayedCount, readMetaCounts } from './meta-counts.ts';
import { mayHoldCounts, parsePostPage } from './post-page.ts';

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

const COUNT_KEYS = [
  'like_count',
  'comment_count',
  'play_count',
  'edge_media_preview_like',
  'edge_media_to_parent_comment',
  'edge_media_to_comment',
  'video_view_count',
];
/** Whether some object in the tree carries a count key: what makes it a candidate for the post. */
function holdsCounts(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(holdsCounts);
  if (!isRecord(node)) return false;
  return COUNT_KEYS.some((key) => key in node) || Object.values(node).some(holdsCounts);
}

describe('blobs that cannot hold the post are not parsed', () => {
  // A key written as JSON may escape any of its characters (\u00XX); a blob is passed over only when no key
  // of it, however written, is a count key.
  const written = (key: string, escapes: boolean[]) =>
    [...key]
      .map((char, i) =>
        escapes[i % escapes.length] ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : char,
      )
      .join('');
  const key = fc.tuple(
    fc.constantFrom(...COUNT_KEYS, 'follower_count', 'count', 'like', 'caf\u00e9', 'code', 'x'),
    fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
  );
  const { json } = fc.letrec<{ json: string }>((tie) => ({
    json: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('1', '"like_count"', '"a\\\\"', 'null', '"\\u00e9t\\u00e9"'),
      fc.array(tie('json'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(key, tie('json')), { maxLength: 4 })
        .map(
          (members) =>
            `{${members.map(([[name, escapes], value]) => `"${written(name, escapes)}":${value}`).join(',')}}`,
        ),
    ),
  }));

  it('never passes over a blob in which some object carries a count key', () => {
    fc.assert(
      fc.property(json, (text) => {
        if (!mayHoldCounts(text)) expect(holdsCounts(JSON.parse(text))).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the first object of the post in document order', () => {
    const post = (likes: number) => ({ code: 'C3wq-PRO_fT', like_count: likes, comment_count: 1 });
    const blob = (value: unknown) =>
      `<script type="application/json" data-sjs>${JSON.stringify(value)}</script>`;
    const html = `<html>${blob({ config: { follower_count: 9 } })}${blob([{ a: post(1) }, { b: post(2) }, post(3)])}</html>`;
    expect(parsePostPage(html, 'C3wq-PRO_fT')).toMatchObject({ ok: true, value: { metrics: { likes: 1n } } });
  });

  it('passes over the web app configuration and keeps the post', () => {
    expect(mayHoldCounts('{"define":[["SiteData",[],{"follower_count":3}]]}')).toBe(false);
    expect(mayHoldCounts('{"items":[{"like_count":1}]}')).toBe(true);
    expect(mayHoldCounts('{"items":[{"like\\u005fcount":1}]}')).toBe(true);
    expect(mayHoldCounts('{"text":"caf\\u00e9"}')).toBe(false);
  });

  /** What the page parser read before it passed over blobs and looked up keys member by member. */
  function previousPostCandidates(html: string, shortcode: string) {
    const texts = [
      ...html.matchAll(/<script\b[^>]*\btype="application\/json"[^>]*>([\s\S]*?)<\/script>/gi),
    ].map((match) => match[1] ?? '');
    const shared = /window\._sharedData\s*=\s*(\{[\s\S]*?\});\s*<\/script>/.exec(html)?.[1];
    if (shared) texts.push(shared);
    const stack: unknown[] = texts
      .flatMap((text) => {
        try {
          return [JSON.parse(text) as unknown];
        } catch {
          return [];
        }
      })
      .reverse();
    const found = [];
    while (stack.length > 0) {
      const node = stack.pop();
      if (typeof node !== 'object' || node === null) continue;
      const children = Array.isArray(node) ? node : Object.values(node);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
      if (Array.isArray(node) || !COUNT_KEYS.some((k) => k in node)) continue;
      const media = asInstagramMedia(node);
      if (media && isPost(media, shortcode)) found.push(media);
    }
    return found;
  }

  const pages = readdirSync(new URL('./fixtures/', import.meta.url)).filter((name) => name.endsWith('.html'));
  it.each(pages)('%s reads as it read before', (name) => {
    const html = fixture(name);
    for (const shortcode of ['C3wq-PRO_fT', 'DA1b2C3d4E5']) {
      const previous = previousPostCandidates(html, shortcode);
      const now = parsePostPage(html, shortcode);
      // The first candidate that reads (or is private) is the answer, when there is one.
      const answer = previous
        .map((media) => readInstagramMedia(media, 'instagram-web'))
        .find((result) => result.ok || result.error.kind === 'private');
      if (answer) expect(now).toEqual(answer);
      else expect(now.ok && now.value.metrics.views).toBeFalsy();
    }
  });
});
