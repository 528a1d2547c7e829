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
//
// The page may come as the transport's bytes rather than text. Decoding a megabyte of UTF-8 costs more than all
// the searching: V8 makes a two-byte string of it for its few non-ASCII characters, decoding slowly from the
// first of them on. Everything searched for is ASCII, and an ASCII byte is always a character of its own in UTF-8,
// even in malformed input (a decoder replaces a broken sequence up to the next byte that can start one, and ASCII
// can): so the bytes are searched as they are, and the text between two positions that hold (or follow) an ASCII
// byte is the decoding of the bytes between them. Only the characters around each mention of a name are decoded
// as UTF-8; an object is handed to JSON.parse as Latin-1 text (one character per byte, made at memory speed) with
// each non-ASCII character written as its \u escape, which parses to the same value (asciiJson).

import { isAscii } from 'node:buffer';
import { utf8Text } from '../../http/read-capped-body.ts';
import { parseJson } from '../json-read.ts';

/** A page as text, or as the UTF-8 bytes it was sent as. */
export type PageBody = string | Uint8Array;

export interface EmbeddedPage {
  /**
   * The JSON object assigned to `variableName` in the page, or `undefined` when there is no such assignment or
   * it does not parse.
   */
  assignedObject(variableName: string): unknown;
  /** The whole page as text (decoded on demand, for what cannot be searched for in the bytes). */
  text(): string;
}

/**
 * What the search needs of the page, the same for text and for bytes. Positions are UTF-16 units of the text or
 * bytes: below 0x80 each is the ASCII character itself, and the search only ever stops at those.
 */
interface PageScan {
  readonly length: number;
  /** Where the ASCII `needle` next starts at or after `from`, or -1. */
  indexOf(needle: string, from: number): number;
  /** The unit at `index`: a UTF-16 code unit or a byte. */
  codeAt(index: number): number;
  /** The text between two character boundaries: positions that hold or follow an ASCII unit, or the ends. */
  text(start: number, end: number): string;
  /** `text(start, end)` parsed as JSON, or undefined when it is not JSON. */
  json(start: number, end: number): unknown;
}

export function embeddedPage(page: PageBody): EmbeddedPage {
  const scan = typeof page === 'string' ? textScan(page) : byteScan(page);
  return {
    assignedObject: (variableName) => assignedObject(scan, variableName),
    text: () =>
      typeof page === 'string' ? page : utf8Text(Buffer.from(page.buffer, page.byteOffset, page.byteLength)),
  };
}

/** The JSON object assigned to `variableName` in the page (see EmbeddedPage.assignedObject). */
export const extractAssignedObject = (page: PageBody, variableName: string): unknown =>
  embeddedPage(page).assignedObject(variableName);

function textScan(text: string): PageScan {
  return {
    length: text.length,
    indexOf: (needle, from) => text.indexOf(needle, from),
    codeAt: (index) => text.charCodeAt(index),
    text: (start, end) => text.slice(start, end),
    json: (start, end) => parseJson(text.slice(start, end)),
  };
}

function byteScan(page: Uint8Array): PageScan {
  const bytes = Buffer.from(page.buffer, page.byteOffset, page.byteLength);
  return {
    length: bytes.length,
    indexOf: (needle, from) => bytes.indexOf(needle, from, 'latin1'),
    codeAt: (index) => bytes[index] ?? 0,
    text: (start, end) => bytes.toString('utf8', start, end),
    json: (start, end) => parseJson(asciiJson(bytes, start, end) ?? bytes.toString('utf8', start, end)),
  };
}

const NON_ASCII_RUN = /[\x80-\xff]+/g;
/** Bytes asked at once whether they are all ASCII (natively, far faster than a search): most of a page is. */
const ASCII_BLOCK = 1024;

/**
 * The JSON text of bytes `start`–`end` written in ASCII: each non-ASCII character as its `\uXXXX` escape(s), so
 * JSON.parse reads a one-byte string that needs no decoding. It parses to the same value, or fails as the UTF-8
 * text fails: JSON allows a non-ASCII character only inside a string, where its escape is the same character;
 * outside one, or inside a `\u` escape's digits, the escape's backslash is as wrong as the character was. The
 * one place an escape would change the meaning is right after a backslash (`\é` is not JSON, `\\u00e9` is):
 * then undefined, and the caller decodes the bytes instead.
 */
function asciiJson(bytes: Buffer, start: number, end: number): string | undefined {
  let ascii = '';
  let copied = start;
  for (let block = start; block < end; block += ASCII_BLOCK) {
    const blockEnd = Math.min(block + ASCII_BLOCK, end);
    // A run found in the block before may reach into this one.
    const from = Math.max(block, copied);
    if (from >= blockEnd || isAscii(bytes.subarray(from, blockEnd))) continue;
    const span = bytes.toString('latin1', from, blockEnd);
    NON_ASCII_RUN.lastIndex = 0;
    for (let run = NON_ASCII_RUN.exec(span); run !== null; run = NON_ASCII_RUN.exec(span)) {
      const runStart = from + run.index;
      let runEnd = runStart + run[0].length;
      while (runEnd < end && (bytes[runEnd] ?? 0) >= 0x80) runEnd++;
      if (bytes[runStart - 1] === 0x5c /* \ */) return undefined;
      ascii +=
        bytes.toString('latin1', copied, runStart) + unicodeEscapes(bytes.toString('utf8', runStart, runEnd));
      copied = runEnd;
    }
  }
  return copied === start
    ? bytes.toString('latin1', start, end)
    : ascii + bytes.toString('latin1', copied, end);
}

function unicodeEscapes(text: string): string {
  let escaped = '';
  for (let i = 0; i < text.length; i++) escaped += `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

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

function assignedObject(scan: PageScan, variableName: string): unknown {
  const assignment = assignmentOf(variableName);
  for (let at = scan.indexOf(variableName, 0); at !== -1; at = scan.indexOf(variableName, at + 1)) {
    if (!isAssignmentAt(scan, at, variableName, assignment)) continue;
    const value = objectAt(scan, scan.indexOf('{', at + variableName.length));
    // Not JSON after all (e.g. a script building the object): try the next assignment.
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Whether the mention at `at` is an assignment of an object, asked of the text around it only. The assignment's
 * punctuation on either side of the name (quotes, brackets, `=`, white space) is ASCII, or non-ASCII white space;
 * the text taken reaches over every such unit next to the name, and one unit further, so whatever the pattern
 * looks at (a `\b` or `[` before, the `{` after) lies inside it: the answer is the one the whole page gives.
 */
function isAssignmentAt(scan: PageScan, at: number, variableName: string, assignment: RegExp): boolean {
  let start = at;
  while (start > 0 && isPunctuationUnit(scan.codeAt(start - 1))) start--;
  if (start > 0) start--;
  let end = at + variableName.length;
  while (end < scan.length && isPunctuationUnit(scan.codeAt(end))) end++;
  if (end < scan.length) end++;
  const before = scan.text(start, at);
  assignment.lastIndex = before.length;
  return assignment.test(before + scan.text(at, end));
}

/** A unit an assignment's punctuation may be made of: any non-ASCII one stands for possible white space. */
function isPunctuationUnit(code: number): boolean {
  return (
    code >= 0x80 ||
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x22 /* " */ ||
    code === 0x27 /* ' */ ||
    code === 0x5b /* [ */ ||
    code === 0x5d /* ] */ ||
    code === 0x3d /* = */
  );
}

/** The object that opens at `start`, parsed, or undefined when it never closes or is not JSON. */
function objectAt(scan: PageScan, start: number): unknown {
  const guess = firstClosingSemicolon(scan, start);
  if (guess !== -1) {
    const value = scan.json(start, guess + 1);
    if (value !== undefined) return value;
  }
  const end = endOfObject(scan, start);
  return end === -1 ? undefined : scan.json(start, end);
}

/**
 * Where the first `};` at or after `start` begins, or -1. Found by its `;`: inside the object (JSON) a `;` can only
 * be in a string, and is rare, where a search for the pair stops at every `}` of the object.
 */
function firstClosingSemicolon(scan: PageScan, start: number): number {
  for (let at = scan.indexOf(';', start + 1); at !== -1; at = scan.indexOf(';', at + 1)) {
    if (scan.codeAt(at - 1) === 0x7d /* } */) return at - 1;
  }
  return -1;
}

/**
 * Index just past the `}` closing the object that opens at `start`, or -1 when it never closes. In bytes, a
 * non-ASCII character is several units where text has one or two, none of them a quote, a brace or a backslash;
 * a backslash skips the first, the rest are passed over as any other: the answer is the same.
 */
function endOfObject(scan: PageScan, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < scan.length; i++) {
    const char = scan.codeAt(i);
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
