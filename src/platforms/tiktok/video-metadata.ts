import { asString, isRecord, type JsonRecord } from '../json-read.ts';
import type { VideoMetadata } from '../types.ts';

/** TikTok videos have no title; the API's `title` is the caption's first line, cut to this many characters. */
export const TITLE_MAX_CHARS = 100;

export function readVideoMetadata(item: JsonRecord): VideoMetadata {
  const desc = asString(item['desc'])?.trim() || null;
  const author = item['author'];
  // `author` is an object on current pages; older SIGI-era items carried the handle as a plain string.
  const creator = isRecord(author)
    ? (asString(author['uniqueId']) ?? null)
    : typeof author === 'string'
      ? author
      : null;
  return { title: desc === null ? null : titleFrom(desc), creator: creator || null, description: desc };
}

function titleFrom(desc: string): string {
  const firstLine = desc.split(/\r?\n/).find((line) => line.trim() !== '') ?? desc;
  // Count code points, not UTF-16 units, so an emoji is never cut in half.
  const chars = Array.from(firstLine.trim());
  return chars.length <= TITLE_MAX_CHARS
    ? chars.join('')
    : `${chars.slice(0, TITLE_MAX_CHARS - 1).join('')}…`;
}
