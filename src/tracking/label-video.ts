// PATCH /videos/{id}: replacing a video's tags and/or metadata, whatever its status (a campaign is often
// labelled after the fact).
import { err, ok, type Result } from '../result.ts';
import type { Mode, VideoRow } from '../store/schema.ts';
import { replaceTagsAndMetadata } from '../store/tags.ts';
import { type NotInTransaction, writeTransaction } from '../store/transaction.ts';
import { lockVideo } from '../store/videos.ts';

export interface VideoLabels {
  /** Trimmed, without case-insensitive duplicates (validated by the caller). */
  tags?: readonly string[];
  metadata?: Readonly<Record<string, string>>;
}

export type LabelResult = Result<VideoRow, { kind: 'video_not_found' }>;

export function labelVideo(
  store: NotInTransaction,
  owner: { accountId: string; mode: Mode },
  videoId: string,
  labels: VideoLabels,
): Promise<LabelResult> {
  return writeTransaction(store, async (tx): Promise<LabelResult> => {
    const video = await lockVideo(tx, videoId);
    if (!video || video.account_id !== owner.accountId || video.mode !== owner.mode) {
      return err({ kind: 'video_not_found' });
    }
    await replaceTagsAndMetadata(tx, video, labels);
    return ok({
      ...video,
      ...(labels.tags !== undefined ? { tags: JSON.stringify(labels.tags) } : {}),
      ...(labels.metadata !== undefined ? { metadata: JSON.stringify(labels.metadata) } : {}),
    });
  });
}
