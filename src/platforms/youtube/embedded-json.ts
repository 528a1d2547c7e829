// The watch page carries its data as JavaScript assignments inside <script> tags:
//   var ytInitialPlayerResponse = {…};var meta = …
//   var ytInitialData = {…};
//   window["ytInitialData"] = {…};
// The object is followed by more script on the same line, so a regex cannot find where it ends; we scan
// for the matching closing brace, skipping braces inside strings.
//
// The page is about a megabyte: it is searched for the name with indexOf (a regular expression run over the
// whole page costs more), and the object's end is first guessed — the first `};` after it, which ends both
// assignments on YouTube's pages — and confirmed by JSON.parse: a text that parses as one object closes where
// the brace scan would close it, so the guess, when it parses, is the scan's answer. Only when it does not parse
// is the page scanned brace by brace.

import { parseJson } from '../json-read.ts';

const assignments = new Map<string, RegExp>();

/** `name = {` or `["name"] = {`, matched where the name starts (sticky). */
function assignmentOf(variableName: string): RegExp {
  let assignment = assignments.get(variableName);
  if (!assignment) {
    assignment = new RegExp(
      `(?:\\b${variableName}|(?<=\\[\\s*["'])${variableName}["']\\s*\\])\\s*=\\s*(?=\\{)`,
      'y',
    );
    assignments.set(variableName, assignment);
  }
  return assignment;
}

/**
 * The JSON object assigned to `variableName` in the page, or `undefined` when there is no such
 * assignment or it does not parse.
 */
export function extractAssignedObject(html: string, variableName: string): unknown {
  const assignment = assignmentOf(variableName);
  for (let at = html.indexOf(variableName); at !== -1; at = html.indexOf(variableName, at + 1)) {
    assignment.lastIndex = at;
    if (!assignment.test(html)) continue;
    const value = objectAt(html, assignment.lastIndex);
    // Not JSON after all (e.g. a script building the object): try the next assignment.
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The object that opens at `start`, parsed, or undefined when it never closes or is not JSON. */
function objectAt(html: string, start: number): unknown {
  const guess = html.indexOf('};', start);
  if (guess !== -1) {
    const value = parseJson(html.slice(start, guess + 1));
    if (value !== undefined) return value;
  }
  const end = endOfObject(html, start);
  return end === -1 ? undefined : parseJson(html.slice(start, end));
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
