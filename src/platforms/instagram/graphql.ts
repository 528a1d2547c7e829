// Instagram's web GraphQL endpoint, asked logged out for one post by shortcode:
//   POST https://www.instagram.com/graphql/query   doc_id=…&variables={"shortcode":"…"}
// Two persisted queries are used. The current one answers in the "v1 media" shape under
// `data.xdt_api__v1__media__shortcode__web_info.items`; the older PolarisPostActionLoadPostQueryQuery
// answers under `data.xdt_shortcode_media`. Instagram retires doc ids from time to time; a retired one
// answers with errors or an empty `data`, which reads as `format_changed` and moves on to the next source.

import type { OutboundResponse } from '../../http/types.ts';
import { err } from '../../result.ts';
import { asArray, at, parseJson } from '../json-read.ts';
import { type CollectResult, failure } from '../types.ts';
import { asInstagramMedia, isPost, readInstagramMedia } from './media.ts';
import { classifyLoginWall, classifyRefusal } from './refusal.ts';
import { isPrivatePostShortcode } from './shortcode.ts';

export interface PostQuery {
  /** The provider name an observation from this query carries. */
  provider: string;
  docId: string;
  /** Sent as fb_api_req_friendly_name / X-FB-Friendly-Name when known. */
  friendlyName?: string;
  variables(shortcode: string): Record<string, unknown>;
}

export const CURRENT_POST_QUERY: PostQuery = {
  provider: 'instagram-graphql',
  docId: '27128499623469141',
  variables: (shortcode) => ({ shortcode }),
};

export const LEGACY_POST_QUERY: PostQuery = {
  provider: 'instagram-graphql-legacy',
  docId: '8845758582119845',
  friendlyName: 'PolarisPostActionLoadPostQueryQuery',
  variables: (shortcode) => ({
    shortcode,
    fetch_tagged_user_count: null,
    hoisted_comment_id: null,
    hoisted_reply_id: null,
  }),
};

/** The post queries to try, in order, with the document ids the operator set in place of the built-in ones. */
export function postQueriesFor(docIds: { postDocId?: string; legacyPostDocId?: string }): PostQuery[] {
  return [
    docIds.postDocId ? { ...CURRENT_POST_QUERY, docId: docIds.postDocId } : CURRENT_POST_QUERY,
    docIds.legacyPostDocId ? { ...LEGACY_POST_QUERY, docId: docIds.legacyPostDocId } : LEGACY_POST_QUERY,
  ];
}

export const GRAPHQL_URL = 'https://www.instagram.com/graphql/query';

/** The web app's public app id, sent by instagram.com itself with every API call. */
export const INSTAGRAM_WEB_APP_ID = '936619743392459';

export function postQueryBody(query: PostQuery, shortcode: string): string {
  const form = new URLSearchParams({
    variables: JSON.stringify(query.variables(shortcode)),
    doc_id: query.docId,
    server_timestamps: 'true',
  });
  if (query.friendlyName) {
    form.set('fb_api_caller_class', 'RelayModern');
    form.set('fb_api_req_friendly_name', query.friendlyName);
  }
  return form.toString();
}

export function postQueryHeaders(
  query: PostQuery,
  shortcode: string,
  sessionId?: string,
): Record<string, string> {
  return {
    Accept: '*/*',
    'Accept-Language': 'en-US,en;q=0.9',
    'Content-Type': 'application/x-www-form-urlencoded',
    Origin: 'https://www.instagram.com',
    Referer: `https://www.instagram.com/p/${shortcode}/`,
    'X-IG-App-ID': INSTAGRAM_WEB_APP_ID,
    'X-ASBD-ID': '359341',
    'X-Requested-With': 'XMLHttpRequest',
    ...(query.friendlyName ? { 'X-FB-Friendly-Name': query.friendlyName } : {}),
    ...(sessionId ? { Cookie: `sessionid=${sessionId}` } : {}),
  };
}

/** Reads the answer to a post query (any status) into an observation or a classified failure. */
export function readPostQueryResponse(
  response: OutboundResponse,
  shortcode: string,
  provider: string,
  nowMs: number,
): CollectResult {
  const wall = classifyLoginWall(response);
  if (wall) return err(wall);

  const json = parseJson(response.body);
  const refusal = classifyRefusal(response, json, nowMs);
  if (refusal) return err(refusal);
  if (response.status !== 200)
    return failure('format_changed', `Instagram GraphQL answered HTTP ${response.status}`);
  if (json === undefined)
    return failure('format_changed', 'Instagram GraphQL answered with something other than JSON');

  const data = at(json, 'data');
  const webInfo = at(data, 'xdt_api__v1__media__shortcode__web_info');
  const polaris = at(data, 'xig_polaris_media');
  const legacyKey = ['xdt_shortcode_media', 'shortcode_media'].find((key) => at(data, key) !== undefined);
  const shortcodeMedia = legacyKey === undefined ? undefined : at(data, legacyKey);

  let candidates: unknown[] | undefined;
  if (webInfo !== undefined) candidates = webInfo === null ? [] : asArray(at(webInfo, 'items'));
  else if (polaris !== undefined)
    candidates = polaris === null ? [] : [at(polaris, 'if_not_gated_logged_out')];
  else if (shortcodeMedia !== undefined) candidates = shortcodeMedia === null ? [] : [shortcodeMedia];
  if (candidates === undefined) {
    return failure('format_changed', 'Instagram GraphQL answered without a post field (retired doc_id?)');
  }

  const posts = candidates.map(asInstagramMedia).filter((media) => media !== null);
  if (posts.length === 0) {
    // `data.xdt_shortcode_media: null`: Instagram has no public post under this shortcode. Posts of
    // private accounts carry a 28-character suffix in their shortcode, which tells the two apart.
    if (isPrivatePostShortcode(shortcode)) return failure('private', 'The post belongs to a private account');
    return failure('not_found', 'Instagram GraphQL has no post with this shortcode');
  }
  const post = posts.find((media) => isPost(media, shortcode));
  if (!post) return failure('format_changed', 'Instagram GraphQL answered about another post');
  return readInstagramMedia(post, provider);
}
