// The public post page, https://www.instagram.com/p/CODE/, the last source. Logged out, Instagram ships
// the post inside `<script type="application/json" data-sjs>` blobs (a Relay preloader holding
// `xdt_api__v1__media__shortcode__web_info` or `xig_polaris_media`); older pages carried
// `window._sharedData`. When it ships no data at all, the description meta tag still says
// "183K likes, 4,821 comments - user on …".

import { parseJson } from '../json-read.ts';
import { type CollectResult, failure, success } from '../types.ts';
import { asInstagramMedia, isPost, readInstagramMedia } from './media.ts';
import { readMetaCounts } from './meta-counts.ts';

export const INSTAGRAM_WEB_PROVIDER = 'instagram-web';

const JSON_SCRIPT = /<script\b[^>]*\btype="application\/json"[^>]*>([\s\S]*?)<\/script>/gi;
const SHARED_DATA = /window\._sharedData\s*=\s*(\{[\s\S]*?\});\s*<\/script>/;

// Counts a post object carries in one vocabulary or the other; an object with none is only a reference.
const COUNT_KEYS = [
  'like_count',
  'comment_count',
  'play_count',
  'edge_media_preview_like',
  'edge_media_to_parent_comment',
  'edge_media_to_comment',
  'video_view_count',
];

/** Reads a post page (status 200) into an observation or a classified failure. Never throws. */
export function parsePostPage(html: string, shortcode: string): CollectResult {
  for (const candidate of postObjects(embeddedJson(html), shortcode)) {
    const result = readInstagramMedia(candidate, INSTAGRAM_WEB_PROVIDER);
    if (result.ok || result.error.kind === 'private') return result;
  }

  // Only what the page shows counts as a signal: script blobs carry UI string tables with these phrases.
  const visible = html.replace(/<script\b[\s\S]*?<\/script>/gi, '');
  if (/Sorry, this page isn(?:'|&#039;|’)t available|<title>Page not found/i.test(visible)) {
    return failure('not_found', 'Instagram says the post page is not available');
  }
  if (/This account is private/i.test(visible)) {
    return failure('private', "The post's account is private");
  }
  if (/<title>Login • Instagram<\/title>|id="loginForm"/.test(visible)) {
    return failure('rate_limited', 'Instagram served its login page instead of the post');
  }

  const meta = readMetaCounts(html);
  if (meta && pageIsAbout(html, shortcode)) {
    const approximate = !meta.likes.exact || !meta.comments.exact;
    return success({
      metrics: {
        views: null,
        likes: meta.likes.value,
        comments: meta.comments.value,
        shares: null,
        saves: null,
      },
      metadata: { title: null, creator: meta.username, description: null },
      provider: INSTAGRAM_WEB_PROVIDER,
      ...(approximate ? { approximate: true } : {}),
    });
  }
  return failure('format_changed', 'The post page carries neither post data nor counts');
}

/** The page's JSON blobs that may hold the post, parsed. */
function embeddedJson(html: string): unknown[] {
  const texts = [...html.matchAll(JSON_SCRIPT)].map((match) => match[1] ?? '');
  const shared = SHARED_DATA.exec(html)?.[1];
  if (shared) texts.push(shared);
  const parsed: unknown[] = [];
  for (const text of texts) {
    // Most of the page's JSON is the web app's configuration: not parsed when it cannot hold a post.
    if (!mayHoldCounts(text)) continue;
    const value = parseJson(text);
    // A blob that is not JSON is not where the post is.
    if (value !== undefined) parsed.push(value);
  }
  return parsed;
}

const COUNT_KEY_SET: ReadonlySet<string> = new Set(COUNT_KEYS);
/** A count key written out, as a JSON string: one pass over the text for all of them. */
const QUOTED_COUNT_KEY = new RegExp(`"(?:${COUNT_KEYS.join('|')})"`);
/**
 * A JSON string of lowercase letters, underscores and \u00XX escapes, one escape at least: how a count key
 * would look written with escapes (JSON has no other escape for those characters).
 */
const ESCAPED_KEY = /"(?:[a-z_]|\\u00[0-9a-fA-F]{2})*\\u00[0-9a-fA-F]{2}(?:[a-z_]|\\u00[0-9a-fA-F]{2})*"/g;

/**
 * False only when the JSON text names no count key, so no object in it can be a post with counts (what
 * `postObjects` looks for): the key written out ("like_count") or with escapes ("like\u005fcount").
 */
export function mayHoldCounts(text: string): boolean {
  if (QUOTED_COUNT_KEY.test(text)) return true;
  if (!text.includes('\\u00')) return false;
  for (const match of text.matchAll(ESCAPED_KEY)) {
    if (COUNT_KEY_SET.has(JSON.parse(match[0]) as string)) return true;
  }
  return false;
}

/**
 * Every object in the trees that is this post and carries counts, in document order. The page's trees hold
 * thousands of objects: each object's keys are listed once (for…in, in Object.values order) and looked up in a
 * set, rather than each count key asked of each object (`in` on objects of a thousand shapes is slow).
 */
function postObjects(roots: readonly unknown[], shortcode: string) {
  const found = [];
  const stack: unknown[] = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const firstChild = stack.length;
    let carriesCounts = false;
    if (Array.isArray(node)) {
      for (const child of node) if (typeof child === 'object' && child !== null) stack.push(child);
    } else {
      for (const key in node) {
        const child: unknown = (node as Record<string, unknown>)[key];
        if (COUNT_KEY_SET.has(key)) carriesCounts = true;
        if (typeof child === 'object' && child !== null) stack.push(child);
      }
    }
    // Pushed in order, turned around so the first is taken first.
    for (let a = firstChild, b = stack.length - 1; a < b; a++, b--) {
      const swap = stack[a];
      stack[a] = stack[b];
      stack[b] = swap;
    }
    if (!carriesCounts) continue;
    const media = asInstagramMedia(node);
    if (media && isPost(media, shortcode)) found.push(media);
  }
  return found;
}

/** The page's canonical address names the post (a page without one is taken as the post's own). */
function pageIsAbout(html: string, shortcode: string): boolean {
  const canonical = /<link\s+rel="canonical"\s+href="([^"]*)"/i.exec(html)?.[1];
  return canonical === undefined || canonical.includes(`/${shortcode}/`);
}
