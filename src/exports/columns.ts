// The columns of each export, in order: one list per kind of row, read by every format.
import type { Column } from './formats.ts';
import { SNAPSHOT_METRICS } from './growth.ts';
import type { SnapshotExportRow, VideoExportRow } from './rows.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

type VideoPart = Pick<SnapshotExportRow, 'video' | 'tags'>;

function videoColumns<Row extends VideoPart>(): Column<Row>[] {
  return [
    { name: 'video_id', kind: 'text', value: (r) => r.video.id },
    { name: 'video_link', kind: 'text', value: (r) => r.video.video_link },
    { name: 'platform', kind: 'text', value: (r) => r.video.platform },
    { name: 'title', kind: 'text', value: (r) => r.video.title },
    { name: 'creator', kind: 'text', value: (r) => r.video.creator },
    { name: 'tags', kind: 'tags', value: (r) => r.tags },
  ];
}

/** One row per collected snapshot: the video, the counts, and their growth since the previous snapshot. */
export const SNAPSHOT_EXPORT_COLUMNS: readonly Column<SnapshotExportRow>[] = [
  ...videoColumns<SnapshotExportRow>(),
  { name: 'snapshot_id', kind: 'text', value: (r) => `${r.video.job_id}-${r.snapshot.slot}` },
  { name: 'slot', kind: 'integer', value: (r) => r.snapshot.slot },
  { name: 'snapshot_time', kind: 'time', value: (r) => iso(r.snapshot.taken_at) },
  ...SNAPSHOT_METRICS.map(
    (m): Column<SnapshotExportRow> => ({ name: m, kind: 'count', value: (r) => r.snapshot[m] }),
  ),
  ...SNAPSHOT_METRICS.map(
    (m): Column<SnapshotExportRow> => ({
      name: `${m}_delta`,
      kind: 'count',
      value: (r) => r.deltas[`${m}_delta`],
    }),
  ),
  { name: 'provider', kind: 'text', value: (r) => r.snapshot.provider },
  { name: 'approximate', kind: 'boolean', value: (r) => r.snapshot.approximate === 1 },
];

/** One row per video: its newest counts and their growth since its first snapshot. */
export const VIDEO_EXPORT_COLUMNS: readonly Column<VideoExportRow>[] = [
  ...videoColumns<VideoExportRow>(),
  { name: 'canonical_url', kind: 'text', value: (r) => r.video.canonical_url },
  { name: 'status', kind: 'text', value: (r) => r.video.status },
  { name: 'monitoring_started', kind: 'time', value: (r) => iso(r.video.created_at) },
  { name: 'snapshots_collected', kind: 'integer', value: (r) => r.video.snapshots_collected },
  { name: 'snapshots_missed', kind: 'integer', value: (r) => r.video.snapshots_missed },
  {
    name: 'first_snapshot_time',
    kind: 'time',
    value: (r) => (r.first ? iso(r.first.taken_at) : null),
  },
  {
    name: 'latest_snapshot_time',
    kind: 'time',
    value: (r) => (r.newest ? iso(r.newest.taken_at) : null),
  },
  ...SNAPSHOT_METRICS.map(
    (m): Column<VideoExportRow> => ({ name: m, kind: 'count', value: (r) => r.newest?.[m] ?? null }),
  ),
  ...SNAPSHOT_METRICS.map(
    (m): Column<VideoExportRow> => ({
      name: `${m}_growth`,
      kind: 'count',
      value: (r) => r.growth[`${m}_growth`],
    }),
  ),
];
