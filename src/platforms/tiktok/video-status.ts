// `webapp.video-detail.statusCode` is 0 when the page carries the video; otherwise it (and, for the
// catch-all 10204, mostly `statusMsg`) says why not. Codes and messages as seen on real logged-out pages:
//   10216, 10222                      private / visible to approved followers only
//   10201, 10202, "item doesn't exist" the item is gone, reason unstated
//   10217, "…status_deleted"          removed by the author or taken down
//   10204 + "cross_border_violation…" and 10231: withheld from this region / this exit
//   10204 + anything else ("", "…status_reviewing") withheld for now
import type { CollectFailure } from '../types.ts';

const PRIVATE_CODES = new Set([10216, 10222]);
const MISSING_CODES = new Set([10201, 10202]);
const DELETED_CODES = new Set([10217]);
const WITHHELD_CODES = new Set([10204, 10231]);

export function classifyVideoStatus(statusCode: number, statusMsg: string): CollectFailure {
  const said = `TikTok statusCode ${statusCode}${statusMsg ? ` (${statusMsg})` : ''}`;
  const msg = statusMsg.toLowerCase();
  // The message is more specific than the code: 10204 covers deleted, missing and region-withheld alike.
  // "item_privacy_authorization&status_deleted" names both privacy and deletion; the deletion is what stuck.
  if (DELETED_CODES.has(statusCode) || /deleted|removed|taken.?down/.test(msg)) {
    return { kind: 'not_found', deleted: true, message: `${said}: the video was removed` };
  }
  if (MISSING_CODES.has(statusCode) || /doesn.?t exist|not.?exist/.test(msg)) {
    return { kind: 'not_found', message: `${said}: the video does not exist` };
  }
  if (PRIVATE_CODES.has(statusCode) || /private|secret|friends.?only/.test(msg)) {
    return { kind: 'private', message: `${said}: the video is private` };
  }
  if (WITHHELD_CODES.has(statusCode)) {
    return { kind: 'blocked', message: `${said}: TikTok withheld the video from this client` };
  }
  // A code we have never seen: the page speaks a language this parser does not know yet.
  return { kind: 'format_changed', message: `${said}: unknown status` };
}
