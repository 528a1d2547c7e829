// One Instagram post, as the web app receives it, in either of the two vocabularies Instagram uses:
//
// - the newer "v1 media" shape (GraphQL `xdt_api__v1__media__shortcode__web_info.items[]`,
//   `xig_polaris_media.if_not_gated_logged_out`, the post page's preloaded queries): `code`, `pk`,
//   `like_count`, `comment_count`, `play_count` / `ig_play_count` / `view_count`, `user`/`owner.username`,
//   `caption.text`, `like_and_view_counts_disabled`;
// - the older GraphQL shape (`xdt_shortcode_media`, `shortcode_media`): `shortcode`,
//   `edge_media_preview_like.count`, `edge_media_to_parent_comment.count`, `video_play_count` /
//   `video_view_count`, `owner.username`, `edge_media_to_caption.edges[0].node.text`.
//
// Metric mapping: views are plays — `play_count` (every play of a reel, what Instagram shows as
// its views) before `ig_play_count`/`view_count`; in the older shape `video_play_count` before
// `video_view_count`. Shares and saves are not exposed publicly, so they stay null.

import { z } from 'zod';
import { type CollectResult, failure, type Metrics, success } from '../types.ts';
import { parseMediaId, shortcodeToMediaId } from './shortcode.ts';

const count = z
  .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d+$/)])
  .transform((value) => BigInt(value))
  .nullable()
  .optional()
  .catch(null);
const edgeCount = z.object({ count }).nullable().optional().catch(null);
const text = z.string().nullable().optional().catch(null);
const flag = z.boolean().nullable().optional().catch(null);
const account = z.object({ username: text, is_private: flag }).nullable().optional().catch(null);

const mediaShape = z.object({
  // identity
  code: text,
  shortcode: text,
  pk: z.unknown().optional(),
  id: z.unknown().optional(),
  // newer vocabulary
  like_count: count,
  comment_count: count,
  play_count: count,
  ig_play_count: count,
  view_count: count,
  like_and_view_counts_disabled: flag,
  user: account,
  caption: z
    .union([z.object({ text }), z.string()])
    .nullable()
    .optional()
    .catch(null),
  // older vocabulary
  edge_media_preview_like: edgeCount,
  edge_liked_by: edgeCount,
  edge_media_to_parent_comment: edgeCount,
  edge_media_preview_comment: edgeCount,
  edge_media_to_comment: edgeCount,
  video_play_count: count,
  video_view_count: count,
  owner: account,
  edge_media_to_caption: z
    .object({ edges: z.array(z.object({ node: z.object({ text }) }).catch({ node: { text: null } })) })
    .nullable()
    .optional()
    .catch(null),
  title: text,
});

export type InstagramMedia = z.infer<typeof mediaShape>;

/** Reads an object as a post, or null when it is not an object at all. */
export function asInstagramMedia(value: unknown): InstagramMedia | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const parsed = mediaShape.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** True when the post is the one the shortcode names (by its code, else by its media id). */
export function isPost(media: InstagramMedia, shortcode: string): boolean {
  const named = media.code ?? media.shortcode;
  if (named) return named === shortcode;
  const mediaId = parseMediaId(media.pk) ?? parseMediaId(media.id);
  return mediaId !== null && mediaId === shortcodeToMediaId(shortcode);
}

/** Turns one post into an observation (or `private` / `format_changed`). */
export function readInstagramMedia(media: InstagramMedia, provider: string): CollectResult {
  const owner = media.owner ?? media.user;
  if (owner?.is_private === true || media.user?.is_private === true) {
    // Readable only because the configured session follows the account: not a public video.
    return failure('private', "The post's account is private");
  }

  // The owner chose to hide likes and views; what the API still sends is not public, so not ours.
  const hidden = media.like_and_view_counts_disabled === true;
  const metrics: Metrics = {
    views: hidden
      ? null
      : (media.play_count ??
        media.ig_play_count ??
        media.view_count ??
        media.video_play_count ??
        media.video_view_count ??
        null),
    likes: hidden
      ? null
      : (media.like_count ?? media.edge_media_preview_like?.count ?? media.edge_liked_by?.count ?? null),
    comments:
      media.comment_count ??
      media.edge_media_to_parent_comment?.count ??
      media.edge_media_preview_comment?.count ??
      media.edge_media_to_comment?.count ??
      null,
    shares: null,
    saves: null,
  };
  if (metrics.views === null && metrics.likes === null && metrics.comments === null) {
    return failure('format_changed', 'The post carries no view, like or comment count');
  }

  const caption = typeof media.caption === 'string' ? media.caption : (media.caption?.text ?? null);
  return success({
    metrics,
    metadata: {
      title: media.title || null,
      creator: owner?.username ?? null,
      description: caption ?? media.edge_media_to_caption?.edges[0]?.node.text ?? null,
    },
    provider,
  });
}
