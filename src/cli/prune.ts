// `contentstats prune --ended-before <date>`: removes the snapshots of trackings that ended before the date,
// after writing them to a file if asked (retention/prune.ts says what stays and why a run can be stopped and
// run again). `--dry-run` says what would go and changes nothing.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { SNAPSHOT_EXPORT_COLUMNS } from '../exports/columns.ts';
import { exportFormatOfFile, writeExportFile } from '../exports/file.ts';
import { EXPORT_FORMATS, type ExportFormat, exportStream } from '../exports/formats.ts';
import {
  DEFAULT_PRUNE_BATCH,
  type PruneDone,
  type PruneError,
  type PruneExport,
  pruneSnapshots,
} from '../retention/prune.ts';
import { badUsage, refused } from './failure.ts';
import { type CliIo, writeLine } from './io.ts';
import { withStore } from './runtime.ts';

interface PruneCliOptions {
  endedBefore: string;
  export?: string;
  dryRun?: boolean;
  batchSize: string;
  json?: boolean;
}

const MAX_BATCH = 100_000;

export function registerPruneCommand(program: Command, io: CliIo): void {
  program
    .command('prune')
    .description(
      'Delete the snapshots of trackings that ended (completed, error, cancelled) before a date, optionally exporting them first; videos, the ledger and usage totals stay',
    )
    .requiredOption('--ended-before <date>', '2024-03-01 (midnight UTC) or ISO 8601 time')
    .option(
      '--export <file>',
      `a new ${EXPORT_FORMATS.map((f) => `.${f}`).join(', ')} file: the snapshots, in the snapshot export's columns, written before anything is deleted`,
    )
    .option('--dry-run', 'say what would be deleted (and exported) and change nothing')
    .option('--batch-size <rows>', 'snapshot rows deleted per transaction', String(DEFAULT_PRUNE_BATCH))
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nA time needs its offset (2024-03-01T12:00:00Z) and may not be in the future.\n' +
        'A stopped run is finished by running it again. Example:\n' +
        '  npx contentstats prune --ended-before 2026-01-01 --export pruned-2025.csv',
    )
    .action((options: PruneCliOptions) => pruneCommand(io, options));
}

const dateOnly = z.iso.date();
const isoTime = z.iso.datetime({ offset: true });

/** A date is midnight UTC of that day; a time needs its offset (a local time would depend on the machine). */
function parseEndedBefore(value: string): number {
  if (!dateOnly.safeParse(value).success && !isoTime.safeParse(value).success) {
    badUsage(
      `--ended-before: "${value}" is not a date (2024-03-01, read as midnight UTC) or an ISO 8601 time with its offset (2024-03-01T12:00:00Z)`,
    );
  }
  return Date.parse(value);
}

function parseBatchSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_BATCH)
    badUsage(`--batch-size: a whole number of rows from 1 to ${MAX_BATCH}`);
  return n;
}

interface ExportTarget {
  file: string;
  format: ExportFormat;
}

function exportTarget(file: string | undefined): ExportTarget | undefined {
  if (file === undefined) return undefined;
  const format = exportFormatOfFile(file);
  if (!format)
    badUsage(`--export: the file name must end in ${EXPORT_FORMATS.map((f) => `.${f}`).join(', ')}`);
  const path = resolve(file);
  if (!existsSync(dirname(path))) badUsage(`--export: the folder ${dirname(file)} does not exist`);
  if (existsSync(path)) refused(`--export: ${file} already exists: name a new file`);
  return { file: path, format };
}

async function pruneCommand(io: CliIo, options: PruneCliOptions): Promise<void> {
  const endedBefore = parseEndedBefore(options.endedBefore);
  const batchSize = parseBatchSize(options.batchSize);
  const target = exportTarget(options.export);
  const dryRun = options.dryRun === true;
  const print = (line: string) => {
    if (!options.json) writeLine(io.stdout, line);
  };
  const toFile: PruneExport | undefined = target && {
    async write(pages) {
      await writeExportFile(
        target.file,
        exportStream(pages, SNAPSHOT_EXPORT_COLUMNS, target.format, 'snapshots'),
      );
    },
  };
  const result = await withStore(io, (store) =>
    pruneSnapshots(store, {
      endedBefore,
      now: Date.now(),
      dryRun,
      batchSize,
      ...(toFile ? { export: toFile } : {}),
    }),
  );
  if (!result.ok) failure(result.error, options);
  const done = result.value;
  if (options.json) {
    writeLine(io.stdout, JSON.stringify(presentPrune(done, endedBefore, dryRun, target)));
    return;
  }
  for (const line of describePrune(done, endedBefore, dryRun, target)) print(line);
}

function failure(error: PruneError, options: PruneCliOptions): never {
  switch (error.kind) {
    case 'ended_before_in_future':
      return badUsage(
        `--ended-before: ${new Date(error.endedBefore).toISOString()} is in the future; only trackings that have ended can be pruned`,
      );
    case 'export_incomplete':
      return refused(
        `--export: ${options.export} holds ${count(error.written)} snapshots where ${count(error.expected)} were to be pruned; nothing was deleted`,
      );
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const counted = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The --json answer: what the run found to prune (in a dry run, what it would), and what it deleted. */
function presentPrune(
  done: PruneDone,
  endedBefore: number,
  dryRun: boolean,
  target: ExportTarget | undefined,
) {
  const { videos, snapshots } = done.planned;
  return {
    ended_before: new Date(endedBefore).toISOString(),
    dry_run: dryRun,
    videos,
    snapshots: { collected: snapshots.collected, missed: snapshots.missed },
    first_snapshot_time: isoOrNull(snapshots.firstTakenAt),
    last_snapshot_time: isoOrNull(snapshots.lastTakenAt),
    export: target
      ? {
          file: target.file,
          format: target.format,
          rows: dryRun ? snapshots.collected : (done.exportedRows ?? 0),
        }
      : null,
    deleted_snapshots: done.deleted.rows,
    transactions: done.deleted.batches,
    partitions_dropped: done.deleted.partitions,
    longest_transaction_ms: Math.round(done.deleted.longestTransactionMs * 10) / 10,
  };
}

function describePrune(
  done: PruneDone,
  endedBefore: number,
  dryRun: boolean,
  target: ExportTarget | undefined,
): string[] {
  const cutoff = new Date(endedBefore).toISOString();
  const { videos, snapshots } = done.planned;
  const { collected, missed, firstTakenAt, lastTakenAt } = snapshots;
  if (videos === 0) return [`no snapshots of trackings that ended before ${cutoff}: nothing to prune`];
  const what =
    `${counted(collected + missed, 'snapshot')} (${count(collected)} collected, ${count(missed)} missed) ` +
    `of ${counted(videos, 'video')} that ended before ${cutoff}, taken ${isoOrNull(firstTakenAt)} to ${isoOrNull(lastTakenAt)}`;
  if (dryRun) {
    return [
      `would prune ${what}`,
      ...(target ? [`would export ${counted(collected, 'row')} to ${target.file} (${target.format})`] : []),
      'dry run: nothing was changed',
    ];
  }
  const { rows, batches, partitions, longestTransactionMs } = done.deleted;
  const dropped = partitions > 0 ? `, ${counted(partitions, 'partition')} dropped whole` : '';
  return [
    ...(target
      ? [`exported ${counted(done.exportedRows ?? 0, 'row')} to ${target.file} (${target.format})`]
      : []),
    `pruned ${what}`,
    `deleted ${counted(rows, 'row')} in ${counted(batches, 'transaction')}${dropped} (the longest ${longestTransactionMs.toFixed(1)} ms)`,
  ];
}
