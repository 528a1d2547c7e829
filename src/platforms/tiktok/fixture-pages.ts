// Test support: the committed fixture pages (see fixtures/generate-fixtures.ts) and a way to derive
// variants from a real-shaped page by editing its rehydration JSON, instead of writing fragments inline.
import { readFileSync } from 'node:fs';
import { isRecord, type JsonRecord } from '../json-read.ts';

export const FIXTURE_VIDEO_ID = '7401234567890123456';
export const FIXTURE_AUTHOR = 'marisol.bakes';
export const FIXTURE_VIDEO_URL = `https://www.tiktok.com/@${FIXTURE_AUTHOR}/video/${FIXTURE_VIDEO_ID}`;
export const CANONICAL_URL = `https://www.tiktok.com/@_/video/${FIXTURE_VIDEO_ID}`;

export type FixtureName =
  | 'video-page'
  | 'video-page-stats-only'
  | 'video-page-stats-strings'
  | 'private-video'
  | 'deleted-video'
  | 'missing-video'
  | 'blocked-video'
  | 'login-wall'
  | 'challenge';

export function loadFixture(name: FixtureName): string {
  return readFileSync(new URL(`./fixtures/${name}.html`, import.meta.url), 'utf8');
}

const SCRIPT =
  /(<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application\/json">)([\s\S]*?)(<\/script>)/;

/** A copy of a fixture page whose `webapp.video-detail` has been changed by `edit`. */
export function withVideoDetail(html: string, edit: (detail: JsonRecord) => void): string {
  return html.replace(SCRIPT, (_all, open: string, json: string, close: string) => {
    const data: unknown = JSON.parse(json);
    const scope = isRecord(data) ? data['__DEFAULT_SCOPE__'] : undefined;
    const detail = isRecord(scope) ? scope['webapp.video-detail'] : undefined;
    if (!isRecord(detail)) throw new Error('fixture has no webapp.video-detail');
    edit(detail);
    return `${open}${JSON.stringify(data).replace(/</g, '\\u003c')}${close}`;
  });
}

/** The itemStruct of a video-detail, for edits. */
export function itemOf(detail: JsonRecord): JsonRecord {
  const itemInfo = detail['itemInfo'];
  const item = isRecord(itemInfo) ? itemInfo['itemStruct'] : undefined;
  if (!isRecord(item)) throw new Error('fixture has no itemStruct');
  return item;
}

export function statsV2Of(detail: JsonRecord): JsonRecord {
  const stats = itemOf(detail)['statsV2'];
  if (!isRecord(stats)) throw new Error('fixture has no statsV2');
  return stats;
}
