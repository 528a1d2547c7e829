// Tags of videos (migration 007). A video's tags are written twice by the same statements: as given, in order,
// on the video row (`videos.tags`, what every video object shows) and one `video_tags` row per tag keyed by
// its comparison form, which the tag filter and the campaign roll-ups read through their index.
import type { Mode, VideoRow } from './schema.ts';
import type { Executor, Tx } from './transaction.ts';

/** The form tags are compared in: trimmed and lowercased ("Summer Launch " and "summer launch" are one tag). */
export const tagKey = (tag: string): string => tag.trim().toLowerCase();

/** The tags a video row holds, as given. */
export const videoTags = (video: Pick<VideoRow, 'tags'>): string[] => JSON.parse(video.tags) as string[];

type TaggedVideo = Pick<VideoRow, 'id' | 'account_id' | 'mode' | 'created_at' | 'tags'>;

/**
 * The account's videos (in one mode) carrying every one of `tagKeys` (their comparison forms; at least one), as
 * `videos` joined to the first tag's `video_tags` row `t`: read through `video_tags_by_account`, whose
 * (video_created_at, video_id) order is the video list's and the exports' order and cursor. The video list and
 * the exports select their columns and add their own filters.
 */
export function videosCarryingTags(
  ex: Executor,
  accountId: string,
  mode: Mode,
  tagKeys: readonly [string, ...string[]],
) {
  const [first, ...others] = tagKeys;
  let query = ex.db
    .selectFrom('video_tags as t')
    .innerJoin('videos', 'videos.id', 't.video_id')
    .where('t.account_id', '=', accountId)
    .where('t.mode', '=', mode)
    .where('t.tag_key', '=', first);
  for (const other of others) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('video_tags as o')
          .select('o.video_id')
          .whereRef('o.video_id', '=', 't.video_id')
          .where('o.tag_key', '=', other),
      ),
    );
  }
  return query;
}

/** Indexes the tags of videos just inserted (their `videos.tags` already holds them). */
export async function indexVideoTags(tx: Tx, videos: readonly TaggedVideo[]): Promise<void> {
  const rows = videos.flatMap((video) =>
    videoTags(video).map((tag, position) => ({
      video_id: video.id,
      account_id: video.account_id,
      mode: video.mode,
      tag,
      tag_key: tagKey(tag),
      position,
      video_created_at: video.created_at,
    })),
  );
  if (rows.length > 0) await tx.db.insertInto('video_tags').values(rows).execute();
}

/**
 * Replaces a video's tags (given already trimmed and free of case-insensitive duplicates) and/or its metadata.
 */
export async function replaceTagsAndMetadata(
  tx: Tx,
  video: TaggedVideo,
  changes: { tags?: readonly string[]; metadata?: Readonly<Record<string, string>> },
): Promise<void> {
  const set: { tags?: string; metadata?: string } = {};
  if (changes.tags !== undefined) set.tags = JSON.stringify(changes.tags);
  if (changes.metadata !== undefined) set.metadata = JSON.stringify(changes.metadata);
  if (set.tags === undefined && set.metadata === undefined) return;
  await tx.db.updateTable('videos').set(set).where('id', '=', video.id).execute();
  if (set.tags !== undefined) {
    await tx.db.deleteFrom('video_tags').where('video_id', '=', video.id).execute();
    await indexVideoTags(tx, [{ ...video, tags: set.tags }]);
  }
}

export interface TagCount {
  /** One spelling of the tag as given (videos may spell it differently; the first in sort order is shown). */
  tag: string;
  tagKey: string;
  videos: number;
}

/** An account's tags in one mode, with how many videos carry each, in order of their comparison form. */
export async function listTagCounts(
  ex: Executor,
  accountId: string,
  mode: Mode,
  page: { afterKey?: string; limit?: number } = {},
): Promise<TagCount[]> {
  let query = ex.db
    .selectFrom('video_tags')
    .select((eb) => ['tag_key', eb.fn.min('tag').as('tag'), eb.fn.countAll<number | string>().as('videos')])
    .where('account_id', '=', accountId)
    .where('mode', '=', mode);
  // Keyset paging on the comparison form, read in order through video_tags_by_account.
  if (page.afterKey !== undefined) query = query.where('tag_key', '>', page.afterKey);
  query = query.groupBy('tag_key').orderBy('tag_key');
  if (page.limit !== undefined) query = query.limit(page.limit);
  const rows = await query.execute();
  return rows.map((row) => ({ tag: row.tag, tagKey: row.tag_key, videos: Number(row.videos) }));
}
