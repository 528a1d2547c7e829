// An export written to a file that is there only once complete and on disk: the bytes go to a partial file
// beside it, are flushed to the disk (fsync), and the partial file is linked into place under the final name,
// which fails rather than overwrite a file that exists. `contentstats prune --export` deletes nothing before this
// has returned.
import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, fsyncSync, linkSync, openSync, rmSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EXPORT_FORMATS, type ExportFormat } from './formats.ts';

/** The export format a file name asks for by its extension (`.csv`, `.jsonl`, `.xlsx`, any case). */
export function exportFormatOfFile(path: string): ExportFormat | undefined {
  const extension = extname(path).slice(1).toLowerCase();
  return (EXPORT_FORMATS as readonly string[]).includes(extension) ? (extension as ExportFormat) : undefined;
}

/**
 * Writes the stream to `path`, which must not exist, readable by its owner only (an export holds an account's
 * data). Resolves once the file is complete under its name and flushed to the disk; on any failure nothing is
 * left under `path`.
 */
export async function writeExportFile(path: string, bytes: Readable): Promise<void> {
  const partial = `${path}.partial-${randomBytes(6).toString('hex')}`;
  try {
    await pipeline(bytes, createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
    fsyncPath(partial);
    linkSync(partial, path);
    rmSync(partial);
  } catch (error) {
    bytes.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
  // The new name is durable once its folder is (a file system that cannot sync a folder has nothing to do).
  try {
    fsyncPath(dirname(path));
  } catch {}
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
