// The committed platform fixtures (src/platforms/<platform>/fixtures/) as fake-platform replies, and ways to
// derive a copy with other counts by editing the real-shaped payload instead of writing fragments inline.
import { readFileSync } from 'node:fs';
import type { PlatformName } from '../../src/platforms/types.ts';
import { type FakeReply, fakeReply } from './server.ts';

const fixtureCache = new Map<string, string>();
/** A committed fixture of a platform, read once. */
export function fixtureFile(platform: PlatformName, name: string): string {
  const path = `../../src/platforms/${platform}/fixtures/${name}`;
  let text = fixtureCache.get(path);
  if (text === undefined) {
    text = readFileSync(new URL(path, import.meta.url), 'utf8');
    fixtureCache.set(path, text);
  }
  return text;
}

/** A committed page, served as HTML. */
export const htmlFile = (platform: PlatformName, name: string, status = 200): FakeReply =>
  fakeReply.html(fixtureFile(platform, name), status);
/** A JSON text (e.g. an edited fixture), served as JSON. */
export const jsonBody = (body: string, status = 200): FakeReply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body,
});
/** A committed JSON answer, served as JSON. */
export const jsonFile = (platform: PlatformName, name: string, status = 200): FakeReply =>
  jsonBody(fixtureFile(platform, name), status);

export type JsonObject = Record<string, unknown>;

/** The object at `path` inside parsed JSON; throws when the fixture does not have that shape. */
export function objectAt(root: unknown, ...path: Array<string | number>): JsonObject {
  let node: unknown = root;
  for (const step of path) {
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string | number, unknown>)[step]
        : undefined;
  }
  if (typeof node !== 'object' || node === null)
    throw new Error(`fixture has no object at ${path.join('.')}`);
  return node as JsonObject;
}

/** A copy of a JSON fixture changed by `edit`. */
export function editedJson(text: string, edit: (root: unknown) => void): string {
  const root: unknown = JSON.parse(text);
  edit(root);
  return JSON.stringify(root);
}

/** A copy of a page with each count replaced wherever it stands as a whole number. */
export function withCountsReplaced(
  page: string,
  replacements: ReadonlyArray<readonly [string, string]>,
): string {
  let out = page;
  for (const [from, to] of replacements) {
    // Not part of a longer number: no digit, and no digit group ("1,234" of "1,234,567"), either side.
    const pattern = new RegExp(`(?<!\\d|\\d[.,])${from.replace(/[.,]/g, '\\$&')}(?!\\d|[.,]\\d)`, 'g');
    if (!pattern.test(out)) throw new Error(`the page does not show ${from}`);
    out = out.replace(pattern, to);
  }
  return out;
}
