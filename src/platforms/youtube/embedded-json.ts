// The watch page carries its data as JavaScript assignments inside <script> tags:
//   var ytInitialPlayerResponse = {…};var meta = …
//   var ytInitialData = {…};
//   window["ytInitialData"] = {…};
// The object is followed by more script on the same line, so a regex cannot find where it ends; we scan
// for the matching closing brace, skipping braces inside strings.

import { parseJson } from '../json-read.ts';

/**
 * The JSON object assigned to `variableName` in the page, or `undefined` when there is no such
 * assignment or it does not parse.
 */
export function extractAssignedObject(html: string, variableName: string): unknown {
  const assignment = new RegExp(
    `(?:\\b${variableName}|\\[\\s*["']${variableName}["']\\s*\\])\\s*=\\s*(?=\\{)`,
    'g',
  );
  for (const match of html.matchAll(assignment)) {
    const start = match.index + match[0].length;
    const end = endOfObject(html, start);
    if (end === -1) continue;
    const value = parseJson(html.slice(start, end));
    // Not JSON after all (e.g. a script building the object): try the next assignment.
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Index just past the `}` closing the object that opens at `start`, or -1 when it never closes. */
function endOfObject(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) i++;
      else if (char === 0x22 /* " */) inString = false;
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x7b /* { */) depth++;
    else if (char === 0x7d /* } */) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
