// The rows of an export, produced page by page from keyset-paged queries: an export of any size holds one
// page at a time, asks for the next only when its reader wants more, and stops when told to.
import {
  boundarySnapshots,
  type ExportScope,
  type ExportVideo,
  exportSnapshotsPage,
  exportVideosPage,
  type VideoCursor,
} from '../store/exports.ts';
import { collectedSnapshotBefore, type SnapshotRow, type TimeWindow } from '../store/snapshots.ts';
import { videoTags } from '../store/tags.ts';
import type { Executor } from '../store/transaction.ts';
import {
  countDifference,
  type Deltas,
  growthDeltas,
  SNAPSHOT_METRICS,
  type SnapshotMetric,
} from './growth.ts';

/** A snapshot beside the video it belongs to, with its growth since the video's previous collected one. */
export interface SnapshotExportRow {
  video: ExportVideo;
  tags: readonly string[];
  snapshot: SnapshotRow;
  deltas: Deltas;
}

/** A video with its newest counts and their growth since its first snapshot (both inside the window). */
export interface VideoExportRow {
  video: ExportVideo;
  tags: readonly string[];
  first: SnapshotRow | undefined;
  newest: SnapshotRow | undefined;
  growth: Record<`${SnapshotMetric}_growth`, string | null>;
}

export interface ExportRequest {
  scope: ExportScope;
  window: TimeWindow;
  /** Once aborted, no further page is read. */
  signal?: AbortSignal;
  /** Rows per query (tests make it small to cross page boundaries). */
  pageSize?: number;
}

const DEFAULT_VIDEO_PAGE = 200;
const DEFAULT_SNAPSHOT_PAGE = 2_000;

/** The scope's videos, a page at a time. */
async function* videoPages(ex: Executor, request: ExportRequest, pageSize: number) {
  let after: VideoCursor | undefined;
  for (;;) {
    if (request.signal?.aborted) return;
    const page = await exportVideosPage(ex, request.scope, after, pageSize);
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    const last = page.at(-1)!;
    after = { createdAt: last.created_at, id: last.id };
  }
}

/** Each video's tags as given, in order (the video row holds them as JSON). */
function tagsOf(videos: readonly ExportVideo[]): Map<string, string[]> {
  return new Map(videos.map((v) => [v.id, videoTags(v)]));
}

const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * Every collected snapshot of the scope's videos in the window, video by video, oldest first. Each video is read
 * in slot order straight from the snapshots' primary key; a page holds at most one video's rows.
 */
export async function* snapshotExportPages(
  ex: Executor,
  request: ExportRequest,
): AsyncGenerator<SnapshotExportRow[]> {
  const snapshotPage = request.pageSize ?? DEFAULT_SNAPSHOT_PAGE;
  for await (const videos of videoPages(ex, request, request.pageSize ?? DEFAULT_VIDEO_PAGE)) {
    const tags = tagsOf(videos);
    for (const video of videos) {
      const videoTagList = tags.get(video.id) ?? NO_TAGS;
      let afterSlot = -1;
      let previous: SnapshotRow | undefined;
      for (;;) {
        if (request.signal?.aborted) return;
        const snapshots = await exportSnapshotsPage(ex, video, afterSlot, request.window, snapshotPage);
        if (snapshots.length === 0) break;
        if (afterSlot === -1 && request.window.sinceMs !== undefined && snapshots[0]!.slot > 0) {
          // The window's first snapshot grows from the collected one before the window, if any.
          previous = await collectedSnapshotBefore(ex, video, snapshots[0]!.slot);
        }
        const rows: SnapshotExportRow[] = new Array(snapshots.length);
        for (let i = 0; i < snapshots.length; i++) {
          const snapshot = snapshots[i]!;
          rows[i] = { video, tags: videoTagList, snapshot, deltas: growthDeltas(snapshot, previous) };
          previous = snapshot;
        }
        yield rows;
        if (snapshots.length < snapshotPage) break;
        afterSlot = snapshots.at(-1)!.slot;
      }
    }
  }
}

/** One row per video of the scope: its newest counts in the window and their growth since its first there. */
export async function* videoExportPages(
  ex: Executor,
  request: ExportRequest,
): AsyncGenerator<VideoExportRow[]> {
  for await (const videos of videoPages(ex, request, request.pageSize ?? DEFAULT_VIDEO_PAGE)) {
    const tags = tagsOf(videos);
    const [firsts, newests] = await Promise.all([
      boundarySnapshots(ex, videos, request.window, 'first'),
      boundarySnapshots(ex, videos, request.window, 'newest'),
    ]);
    yield videos.map((video) => {
      const first = firsts.get(video.id);
      const newest = newests.get(video.id);
      const growth = {} as VideoExportRow['growth'];
      for (const metric of SNAPSHOT_METRICS) {
        growth[`${metric}_growth`] = first && newest ? countDifference(newest[metric], first[metric]) : null;
      }
      return { video, tags: tags.get(video.id) ?? NO_TAGS, first, newest, growth };
    });
  }
}
