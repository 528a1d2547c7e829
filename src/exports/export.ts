// An export as one call: which rows (a snapshot per row, or a video per row), of which scope, in which format.
// The API's export routes, the share links and the CLI all call this.
import type { Readable } from 'node:stream';
import type { Executor } from '../store/transaction.ts';
import { SNAPSHOT_EXPORT_COLUMNS, VIDEO_EXPORT_COLUMNS } from './columns.ts';
import { exportStream, type RowsFormat } from './formats.ts';
import { type ExportRequest, snapshotExportPages, videoExportPages } from './rows.ts';

export const EXPORT_ROWS = ['snapshots', 'videos'] as const;
export type ExportRows = (typeof EXPORT_ROWS)[number];

export function exportRows(
  ex: Executor,
  rows: ExportRows,
  format: RowsFormat,
  request: ExportRequest,
): Readable {
  return rows === 'snapshots'
    ? exportStream(snapshotExportPages(ex, request), SNAPSHOT_EXPORT_COLUMNS, format, 'snapshots')
    : exportStream(videoExportPages(ex, request), VIDEO_EXPORT_COLUMNS, format, 'videos');
}
