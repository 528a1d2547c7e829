import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../json-read.ts';
import { extractAssignedObject } from './embedded-json.ts';

describe('objects assigned in page scripts are found whole', () => {
  it('reads `var name = {…};` followed by more script on the same line', () => {
    const html =
      '<script>var ytInitialPlayerResponse = {"a":{"b":[1,2]}};var meta = document.createElement("meta");</script>';
    expect(extractAssignedObject(html, 'ytInitialPlayerResponse')).toEqual({ a: { b: [1, 2] } });
  });

  it('reads the window["name"] form', () => {
    const html = `<script>window["ytInitialData"] = {"x":1};</script>`;
    expect(extractAssignedObject(html, 'ytInitialData')).toEqual({ x: 1 });
  });

  it('is not fooled by braces and escaped quotes inside strings', () => {
    const html = String.raw`<script>var ytInitialData = {"d":"a } b { \" } c","e":{"f":"\\"}};</script>`;
    expect(extractAssignedObject(html, 'ytInitialData')).toEqual({ d: 'a } b { " } c', e: { f: '\\' } });
  });

  it('skips a mention that is not an assignment of an object', () => {
    const html =
      '<script>if (window.ytInitialData == null) {}; ytInitialData = window.x;</script><script>var ytInitialData = {"ok":true};</script>';
    expect(extractAssignedObject(html, 'ytInitialData')).toEqual({ ok: true });
  });

  it('does not confuse a longer name for the one asked', () => {
    const html = '<script>var ytInitialDataExtra = {"no":1};</script>';
    expect(extractAssignedObject(html, 'ytInitialData')).toBeUndefined();
  });

  it('answers undefined for an object that never closes or is not JSON', () => {
    expect(extractAssignedObject('<script>var ytInitialData = {"a":1', 'ytInitialData')).toBeUndefined();
    expect(
      extractAssignedObject('<script>var ytInitialData = {a:1};</script>', 'ytInitialData'),
    ).toBeUndefined();
  });
});

/** The reading before the page was searched with indexOf and the end guessed: a regex, then a brace scan. */
function previousExtract(html: string, variableName: string): unknown {
  const assignment = new RegExp(
    `(?:\\b${variableName}|\\[\\s*["']${variableName}["']\\s*\\])\\s*=\\s*(?=\\{)`,
    'g',
  );
  for (const match of html.matchAll(assignment)) {
    const start = match.index + match[0].length;
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = start; i < html.length && end === -1; i++) {
      const char = html.charCodeAt(i);
      if (inString) {
        if (char === 0x5c) i++;
        else if (char === 0x22) inString = false;
        continue;
      }
      if (char === 0x22) inString = true;
      else if (char === 0x7b) depth++;
      else if (char === 0x7d && --depth === 0) end = i + 1;
    }
    if (end === -1) continue;
    const value = parseJson(html.slice(start, end));
    if (value !== undefined) return value;
  }
  return undefined;
}

describe('the objects read are those the previous reading found', () => {
  const fixtures = readdirSync(new URL('./fixtures/', import.meta.url)).filter((name) =>
    name.endsWith('.html'),
  );
  const page = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

  it.each(fixtures)('on %s', (name) => {
    const html = page(name);
    for (const variable of ['ytInitialPlayerResponse', 'ytInitialData']) {
      expect(extractAssignedObject(html, variable)).toEqual(previousExtract(html, variable));
    }
  });

  it('on pages where the first `};` is not the end, an assignment is not JSON, or the object never closes', () => {
    const piece = fc.constantFrom(
      'var ytInitialData = ',
      'window["ytInitialData"] = ',
      "window[ 'ytInitialData' ]=",
      'xytInitialData = ',
      'ytInitialData == ',
      '{',
      '}',
      '};',
      '"',
      '\\"',
      '"a":',
      '"b};c"',
      '1,',
      '[',
      ']',
      ';</script><script>',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const html = pieces.join('');
        expect(extractAssignedObject(html, 'ytInitialData')).toEqual(previousExtract(html, 'ytInitialData'));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('a page read from its bytes answers as its text', () => {
  const fixtures = readdirSync(new URL('./fixtures/', import.meta.url)).filter((name) =>
    name.endsWith('.html'),
  );

  it.each(fixtures)('on %s', (name) => {
    const bytes = readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const text = bytes.toString('utf8');
    for (const variable of ['ytInitialPlayerResponse', 'ytInitialData']) {
      expect(extractAssignedObject(bytes, variable)).toEqual(extractAssignedObject(text, variable));
    }
  });

  it('decodes the non-ASCII characters inside the object, escaped or not', () => {
    const page = Buffer.from(
      '<p>Grüße</p><script>var ytInitialData = {"title":"Café – 日本語 😀","k":"\\u00e9\\ud83d\\ude00","\u00e9":"\u2028"};</script>',
    );
    expect(extractAssignedObject(page, 'ytInitialData')).toEqual({
      title: 'Café – 日本語 😀',
      k: 'é😀',
      é: '\u2028',
    });
  });

  it('answers as the text does for a non-ASCII character right after a backslash', () => {
    // `\é` is no JSON escape; `\\é` is an escaped backslash and then the character.
    const invalid = String.raw`<script>var ytInitialData = {"a":"\é"};</script>`;
    const valid = String.raw`<script>var ytInitialData = {"a":"\\é"};</script>`;
    expect(extractAssignedObject(Buffer.from(invalid), 'ytInitialData')).toBeUndefined();
    expect(extractAssignedObject(invalid, 'ytInitialData')).toBeUndefined();
    expect(extractAssignedObject(Buffer.from(valid), 'ytInitialData')).toEqual({ a: '\\é' });
  });

  it('decodes long objects whose non-ASCII characters fall anywhere, block boundaries included', () => {
    const inString = fc.oneof(
      fc.integer({ min: 1, max: 1100 }).map((length) => 'x'.repeat(length)),
      fc.constantFrom('é', '😀', '日本語'.repeat(700), '\\\\', '\\u00e9', '\\"'),
    );
    fc.assert(
      fc.property(fc.array(fc.array(inString, { maxLength: 12 }), { maxLength: 4 }), (values) => {
        const members = values.map((parts, i) => `"k${i}":"${parts.join('')}"`).join(',');
        const page = `<script>var ytInitialData = {${members}};</script>`;
        const read = extractAssignedObject(Buffer.from(page), 'ytInitialData');
        expect(read).toEqual(extractAssignedObject(page, 'ytInitialData'));
        expect(read).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });

  it('takes non-ASCII white space around the name for white space, as the text does', () => {
    const page = '<script>window[\u00a0"ytInitialData"\u3000]\u2028=\u00a0{"x":1};</script>';
    expect(extractAssignedObject(page, 'ytInitialData')).toEqual({ x: 1 });
    expect(extractAssignedObject(Buffer.from(page), 'ytInitialData')).toEqual({ x: 1 });
  });

  it('on any page, malformed UTF-8 included, as its decoded text', () => {
    const piece = fc.constantFrom(
      ...[
        'var ytInitialData = ',
        'window["ytInitialData"] = ',
        "window[ 'ytInitialData' ]=",
        'ytInitialData\u00a0=\u2003',
        'xytInitialData = ',
        'éytInitialData = ',
        '{',
        '}',
        '};',
        '"',
        '\\',
        '\\"',
        '"a":',
        '"é":',
        '"b};c"',
        '"😀"',
        '1,',
        '[',
        ']',
        ' ',
        '\u00a0',
      ].map((text) => Buffer.from(text)),
      // Malformed: a lone lead byte, a lone continuation byte, a cut sequence, a byte never in UTF-8, a BOM.
      Buffer.from([0xc3]),
      Buffer.from([0xa9]),
      Buffer.from([0xe2, 0x80]),
      Buffer.from([0xff]),
      Buffer.from([0xef, 0xbb, 0xbf]),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const bytes = Buffer.concat(pieces);
        expect(extractAssignedObject(bytes, 'ytInitialData')).toEqual(
          previousExtract(bytes.toString('utf8'), 'ytInitialData'),
        );
      }),
      { numRuns: 5000 },
    );
  });
});
