// `contentstats export`: an account's export straight from the database, the same rows and formats as
// GET /api/v1/exports/…, written to standard output as they are read (a page at a time, waiting for the pipe).
import { once } from 'node:events';
import type { Command } from 'commander';
import { exportQuery } from '../api/schemas.ts';
import { validate } from '../api/validation.ts';
import { EXPORT_ROWS, type ExportRows, exportRows } from '../exports/export.ts';
import { EXPORT_FORMATS } from '../exports/formats.ts';
import { MODES, type Mode } from '../store/schema.ts';
import { findOwnedVideo } from '../store/videos.ts';
import { accountOrRefuse } from './accounts.ts';
import { badUsage, refused } from './failure.ts';
import type { CliIo, CliOutput } from './io.ts';
import { withStore } from './runtime.ts';

interface ExportOptions {
  account: string;
  rows: string;
  mode: string;
  format: string;
  tag: string[];
  video?: string;
  platform?: string;
  status?: string;
  since?: string;
  until?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerExportCommand(program: Command, io: CliIo): void {
  program
    .command('export')
    .description("Write an account's export to standard output (the rows of GET /api/v1/exports/…)")
    .requiredOption('--account <email|id>', 'the account')
    .option('--rows <rows>', `${EXPORT_ROWS.join(' or ')}: a row per snapshot, or per video`, 'snapshots')
    .option('--format <format>', EXPORT_FORMATS.join(', '), 'csv')
    .option('--mode <mode>', `${MODES.join(' or ')}: the videos of the account's live or test keys`, 'live')
    .option('--video <id>', "only this video (one of the account's, in --mode)")
    .option('--tag <tag>', 'only videos carrying this tag (repeat for videos carrying all)', collect, [])
    .option('--platform <platform>', 'only videos of this platform')
    .option('--status <status>', 'only videos in this status')
    .option('--since <time>', 'only snapshots taken at or after this ISO 8601 time')
    .option('--until <time>', 'only snapshots taken before this ISO 8601 time')
    .addHelpText(
      'after',
      '\nExample: npx contentstats export --account ops@example.com --tag "Spring Launch" > out.csv',
    )
    .action((options: ExportOptions) => exportCommand(io, options));
}

async function exportCommand(io: CliIo, options: ExportOptions): Promise<void> {
  if (!EXPORT_ROWS.includes(options.rows as ExportRows))
    badUsage(`--rows must be ${EXPORT_ROWS.join(' or ')}`);
  if (!MODES.includes(options.mode as Mode)) badUsage(`--mode must be ${MODES.join(' or ')}`);
  // The API's own rules for the filters, so a filter means the same in both.
  const parsed = validate(exportQuery, {
    format: options.format,
    ...(options.video !== undefined ? { video_id: options.video } : {}),
    ...(options.tag.length > 0 ? { tag: options.tag } : {}),
    ...(options.platform !== undefined ? { platform: options.platform } : {}),
    ...(options.status !== undefined ? { status: options.status } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  });
  if (!parsed.ok) {
    badUsage(parsed.error.issues.map((issue) => `--${cliOption(issue.field)}: ${issue.message}`).join('\n'));
  }
  const query = parsed.value;
  const format = query.format ?? 'csv';
  if (format === 'xlsx' && (io.stdout as { isTTY?: boolean }).isTTY) {
    badUsage('--format xlsx writes a binary file: redirect the output (> out.xlsx)');
  }
  await withStore(io, async (store) => {
    const account = await accountOrRefuse(store, options.account);
    if (query.video_id && !(await findOwnedVideo(store, account.id, options.mode as Mode, query.video_id))) {
      refused(`no video ${query.video_id} of ${options.account} in ${options.mode} mode`);
    }
    const stream = exportRows(store, options.rows as ExportRows, format, {
      scope: {
        accountId: account.id,
        mode: options.mode as Mode,
        ...(query.video_id ? { videoId: query.video_id } : {}),
        ...(query.tag ? { tags: query.tag } : {}),
        ...(query.platform ? { platform: query.platform } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      window: {
        ...(query.since ? { sinceMs: Date.parse(query.since) } : {}),
        ...(query.until ? { untilMs: Date.parse(query.until) } : {}),
      },
    });
    for await (const chunk of stream) await writeWaiting(io.stdout, chunk as Buffer);
  });
}

/** Writes a chunk; on a real stream that asks to wait (a slow pipe), waits for it to drain. */
async function writeWaiting(output: CliOutput, chunk: Buffer): Promise<void> {
  const stream = output as CliOutput & Partial<NodeJS.WritableStream>;
  // Bytes as they are (XLSX is binary); an output that only takes text reads them as UTF-8 like a terminal.
  const written = (stream.write as (chunk: Buffer) => unknown)(chunk);
  if (written === false && typeof stream.once === 'function')
    await once(stream as NodeJS.WritableStream, 'drain');
}

/** The option a query field comes from (`tag[1]` is --tag, `video_id` is --video). */
const cliOption = (field: string): string => {
  const name = field.replace(/\[\d+\]$/, '');
  return name === 'video_id' ? 'video' : name;
};
