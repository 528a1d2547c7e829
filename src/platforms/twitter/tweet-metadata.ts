import type { VideoMetadata } from '../types.ts';

const TITLE_MAX_CHARS = 100;
// A tweet with media ends with the t.co link of that media (`… https://t.co/AbC123`); it is noise in a title.
const TRAILING_TCO_LINKS = /(\s*https:\/\/t\.co\/\w+)+\s*$/;

/** X's APIs send tweet text with `&`, `<` and `>` HTML-escaped (`&amp;`), and nothing else escaped. */
export function unescapeTweetText(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** The first non-empty line of the tweet, without its trailing media link, cut to 100 characters. */
export function tweetTitle(text: string): string | null {
  const firstLine = text
    .replace(TRAILING_TCO_LINKS, '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.length > 0);
  if (!firstLine) return null;
  // A string has at least as many UTF-16 units as characters: a short one needs no counting.
  if (firstLine.length <= TITLE_MAX_CHARS) return firstLine;
  const characters = Array.from(firstLine);
  if (characters.length <= TITLE_MAX_CHARS) return firstLine;
  return `${characters
    .slice(0, TITLE_MAX_CHARS - 1)
    .join('')
    .trimEnd()}…`;
}

export function tweetMetadata(rawText: string | null, creator: string | null): VideoMetadata {
  const text = rawText === null ? null : unescapeTweetText(rawText);
  return {
    title: text === null ? null : tweetTitle(text),
    creator: creator && creator.length > 0 ? creator : null,
    description: text && text.length > 0 ? text : null,
  };
}
