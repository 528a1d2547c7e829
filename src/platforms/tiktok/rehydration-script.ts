// TikTok's web app renders on the server and ships its state in one JSON script for the browser to pick up:
// <script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"__DEFAULT_SCOPE__":{…}}</script>
import { isRecord, type JsonRecord, parseJson } from '../json-read.ts';

const SCRIPT_ID = '__UNIVERSAL_DATA_FOR_REHYDRATION__';
const SCRIPT_OPEN_TAG = /<script\b[^>]*\bid=["']__UNIVERSAL_DATA_FOR_REHYDRATION__["'][^>]*>/iy;

/**
 * The script's JSON text, found by plain string search: a regular expression over a 300 KB page costs more
 * than parsing the JSON itself.
 */
function rehydrationScriptText(html: string): string | undefined {
  let at = html.indexOf(SCRIPT_ID);
  while (at !== -1) {
    const tagStart = html.lastIndexOf('<', at);
    SCRIPT_OPEN_TAG.lastIndex = tagStart;
    const open = tagStart === -1 ? null : SCRIPT_OPEN_TAG.exec(html);
    if (open) {
      const contentStart = tagStart + open[0].length;
      const end = html.indexOf('</script>', contentStart);
      return end === -1 ? undefined : html.slice(contentStart, end);
    }
    at = html.indexOf(SCRIPT_ID, at + SCRIPT_ID.length);
  }
  return undefined;
}

export type RehydrationScope =
  | { kind: 'scope'; scope: JsonRecord }
  | { kind: 'absent' }
  | { kind: 'unparseable'; reason: string };

export function readRehydrationScope(html: string): RehydrationScope {
  const text = rehydrationScriptText(html);
  if (text === undefined) return { kind: 'absent' };
  const data = parseJson(text);
  if (data === undefined) return { kind: 'unparseable', reason: 'rehydration script is not valid JSON' };
  if (!isRecord(data) || !isRecord(data['__DEFAULT_SCOPE__'])) {
    return { kind: 'unparseable', reason: 'rehydration JSON has no __DEFAULT_SCOPE__ object' };
  }
  return { kind: 'scope', scope: data['__DEFAULT_SCOPE__'] };
}

/**
 * TikTok's bot wall ("Please wait…") is a small page that runs a JavaScript challenge and reloads; it never
 * carries the rehydration script.
 */
export function looksLikeChallenge(html: string): boolean {
  return /_wafchallenge|<title>\s*Please wait|captcha|verify to continue/i.test(html);
}
