// `contentstats track --account … --file links.txt|links.csv --days 7 [--tag X]…`: tracks every link of a file
// for an account, straight against the database, with the batch's own code (tracking/track-batch.ts): the same
// checks, probes and money rules as POST /videos/track/batch, item by item in the file's order. Each row's
// answer is written to a result file as it is known; a terminal shows a progress bar.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { trackErrorReply } from '../api/error-replies.ts';
import { tagList, trackBody, trackRequest } from '../api/schemas.ts';
import { validate } from '../api/validation.ts';
import { systemClock } from '../clock.ts';
import { composeTrackingDeps } from '../compose.ts';
import { createHttpClient } from '../http/client.ts';
import { createLiveCollectors } from '../platforms/live-collectors.ts';
import type { Mode } from '../store/schema.ts';
import type { TrackResult } from '../tracking/track.ts';
import { type BatchItem, trackBatch } from '../tracking/track-batch.ts';
import { accountOrRefuse } from './accounts.ts';
import { badUsage, refused } from './failure.ts';
import { type CliIo, writeLine } from './io.ts';
import { csvCell, type LinkRow, parseLinkFile } from './link-file.ts';
import { withStore } from './runtime.ts';

export interface TrackFileOptions {
  account: string;
  file: string;
  days: string;
  tag: string[];
  mode: string;
  results?: string;
  /** One JSON document on stdout instead of the summary line. */
  json?: boolean;
}

const RESULT_HEADER = 'line,video_link,status,video_id,error';

export async function trackFileCommand(io: CliIo, options: TrackFileOptions): Promise<void> {
  if (options.mode !== 'live' && options.mode !== 'test') badUsage('--mode must be live or test');
  const mode: Mode = options.mode;
  if (!/^\d{1,2}$/.test(options.days) || Number(options.days) < 1 || Number(options.days) > 30) {
    badUsage('--days must be an integer between 1 and 30');
  }
  const tags = validate(tagList, options.tag, 'tags');
  if (!tags.ok) badUsage(`--tag: ${tags.error.issues.map((issue) => issue.message).join('; ')}`);
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (error) {
    return badUsage(`cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const rows = parseLinkFile(text);
  if (rows.length === 0) badUsage(`${options.file} holds no links`);
  const resultsPath = options.results ?? `${options.file}.results.csv`;

  // Each row is checked as the API checks a track's body; a bad row is answered in the result file and the
  // others are tracked (a file is often a spreadsheet with a few broken cells).
  const checked = rows.map((row) => checkRow(row, options));
  await withStore(io, async (store, config) => {
    const account = await accountOrRefuse(store, options.account);
    const http = createHttpClient({ upstreams: config.upstreams, proxyUrls: config.proxyUrls });
    try {
      const deps = composeTrackingDeps(store, config, systemClock, createLiveCollectors(config, http));
      writeFileSync(resultsPath, `${RESULT_HEADER}\n`);
      const progress = progressBar(io, rows.length);
      let created = 0;
      let failed = 0;
      const record = (row: LinkRow, status: number, videoId: string, error: string) => {
        appendFileSync(
          resultsPath,
          `${[String(row.line), row.videoLink, String(status), videoId, error].map(csvCell).join(',')}\n`,
        );
        if (status === 201) created++;
        else failed++;
        progress(created, failed);
      };
      const valid = checked.flatMap((check) => (check.ok ? [check] : []));
      // Malformed rows are answered at once; the valid ones in order as the batch settles each.
      for (const check of checked) if (!check.ok) record(check.row, 400, '', check.message);
      await trackBatch(deps, {
        accountId: account.id,
        mode,
        items: valid.map((check) => check.item),
        onResult: (index, result: TrackResult) => {
          const { row } = valid[index]!;
          if (result.ok) return record(row, 201, result.value.video.id, '');
          const reply = trackErrorReply(result.error);
          record(row, reply.status, '', describeError(reply.body));
        },
      });
      progress.done();
      writeLine(
        io.stdout,
        options.json
          ? JSON.stringify({ tracked: created, not_tracked: failed, rows: rows.length, results: resultsPath })
          : `${created} tracked, ${failed} not tracked (of ${rows.length}); results in ${resultsPath}`,
      );
      if (failed > 0) refused(`${failed} of ${rows.length} links were not tracked: see ${resultsPath}`);
    } finally {
      await http.close();
    }
  });
}

type RowCheck = { ok: true; row: LinkRow; item: BatchItem } | { ok: false; row: LinkRow; message: string };

function checkRow(row: LinkRow, options: TrackFileOptions): RowCheck {
  const days = row.durationDays ?? options.days;
  const parsed = validate(trackBody, {
    video_link: row.videoLink,
    duration_days: /^\d+$/.test(days) ? Number(days) : days,
    tags: [...(row.tags ?? []), ...options.tag],
  });
  if (!parsed.ok) {
    return {
      ok: false,
      row,
      message: parsed.error.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
    };
  }
  const { video_link, duration_days, parsedLink, tags } = trackRequest(parsed.value);
  return {
    ok: true,
    row,
    item: {
      videoLink: video_link,
      durationDays: duration_days,
      parsedLink,
      ...(tags && tags.length > 0 ? { tags } : {}),
    },
  };
}

/** The answer's message as one line: `error`, and the reason or the limit when it has one. */
function describeError(body: Record<string, unknown>): string {
  const parts = [String(body.error)];
  if (typeof body.reason === 'string') parts.push(body.reason);
  if (typeof body.required === 'number') parts.push(`$${body.required} more needed`);
  if (typeof body.limit === 'number') parts.push(`limit ${body.limit}`);
  return parts.join(': ');
}

/** On a terminal, a bar redrawn in place on stderr; elsewhere nothing until the summary. */
function progressBar(io: CliIo, total: number) {
  const terminal = (io.stderr as { isTTY?: boolean }).isTTY === true;
  const width = 30;
  const update = (created: number, failed: number) => {
    if (!terminal) return;
    const settled = created + failed;
    const filled = Math.round((settled / total) * width);
    io.stderr.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${settled}/${total}  tracked ${created}  not tracked ${failed}`,
    );
  };
  return Object.assign(update, {
    done: () => {
      if (terminal) io.stderr.write('\n');
    },
  });
}
