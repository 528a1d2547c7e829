// TikTok's web app renders on the server and ships its state in one JSON script for the browser to pick up:
// <script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"__DEFAULT_SCOPE__":{…}}</script>
import { isRecord, type JsonRecord } from './json-record.ts';

const SCRIPT = /<script\b[^>]*\bid=["']__UNIVERSAL_DATA_FOR_REHYDRATION__["'][^>]*>([\s\S]*?)<\/script>/i;

export type RehydrationScope =
  | { kind: 'scope'; scope: JsonRecord }
  | { kind: 'absent' }
  | { kind: 'unparseable'; reason: string };

export function readRehydrationScope(html: string): RehydrationScope {
  const match = SCRIPT.exec(html);
  if (!match) return { kind: 'absent' };
  let data: unknown;
  try {
    data = JSON.parse(match[1] ?? '');
  } catch {
    return { kind: 'unparseable', reason: 'rehydration script is not valid JSON' };
  }
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
