// The read-only page a share link opens: one video (its counts, growth and time series) or a campaign (every
// video carrying the tag, with totals). Self-contained and static: every value is escaped, the only style is
// one fixed <style> block allowed by its hash, and it reads without script; the only script is the dashboard's
// chart (web/share.js, from /assets/), which adds a chart above the tables from the link's own .json.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ExportRequest, SnapshotExportRow, VideoExportRow } from '../exports/rows.ts';
import { snapshotExportPages, videoExportPages } from '../exports/rows.ts';
import { escapeHtml } from '../notify/html-escape.ts';
import { platformDisplayName } from '../platforms/registry.ts';
import type { Executor } from '../store/transaction.ts';
import { dashboardAssets } from './dashboard/assets.ts';

const METRICS = ['views', 'likes', 'comments', 'shares', 'saves'] as const;

const STYLE = [
  'body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222;margin:24px}',
  'h1{font-size:20px;margin:0 0 4px}p.meta{color:#666;margin:0 0 16px}',
  'table{border-collapse:collapse;margin:8px 0 24px}th,td{padding:4px 10px;border-bottom:1px solid #eee}',
  'th{text-align:left;background:#fafafa}td.n{text-align:right;font-variant-numeric:tabular-nums}',
  'td.up{color:#1a7f37}td.down{color:#b42318}tfoot td{font-weight:600}',
].join('');

/**
 * The page's Content-Security-Policy: the one stylesheet above, and the dashboard's chart (its script and
 * stylesheet from /assets/, reading the link's own .json), which the page adds to the tables it already shows.
 */
export const SHARE_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'self' 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "script-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const e = (value: string | null | undefined): string => escapeHtml(value ?? '');

const count = (value: string | null | undefined): string =>
  value === null || value === undefined ? '—' : BigInt(value).toLocaleString('en-US');

function growth(value: string | null): string {
  if (value === null) return '<td class="n">—</td>';
  const n = BigInt(value);
  const shown = `${n > 0n ? '+' : ''}${n.toLocaleString('en-US')}`;
  return `<td class="n${n > 0n ? ' up' : n < 0n ? ' down' : ''}">${shown}</td>`;
}

/** Only http(s) addresses become links; anything else is shown as text. */
const link = (url: string, label: string): string =>
  /^https?:\/\//i.test(url) ? `<a href="${e(url)}" rel="noopener noreferrer">${e(label)}</a>` : e(label);

export interface SharePageInput {
  /** The page's heading: a video's title, or the campaign's tag. */
  scope: { kind: 'video' } | { kind: 'tag'; tag: string };
  /** The token's own address, for the CSV and JSON links (relative to the page). */
  token: string;
  now: number;
  request: ExportRequest;
}

export function sharePage(ex: Executor, input: SharePageInput): Readable {
  return Readable.from(pageParts(ex, input), { objectMode: false, highWaterMark: 64 * 1024 });
}

async function* pageParts(ex: Executor, input: SharePageInput) {
  const videos: VideoExportRow[] = [];
  // A video's page needs its row for the heading; a campaign's heading is its tag, and its rows stream.
  const videoPages = videoExportPages(ex, input.request);
  let firstPage: VideoExportRow[] = [];
  if (input.scope.kind === 'video') {
    for await (const page of videoPages) videos.push(...page);
    firstPage = videos;
  }
  const only = videos[0];
  const heading =
    input.scope.kind === 'tag'
      ? `Campaign “${input.scope.tag}”`
      : only
        ? only.video.title?.trim() || `${platformDisplayName(only.video.platform)} video`
        : 'Video';
  yield [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="robots" content="noindex,nofollow">',
    `<title>${e(heading)} · contentstats</title>`,
    `<style>${STYLE}</style>`,
    // The dashboard's read-only chart, added by script to the page, which reads without it (web/share.js).
    `<link rel="stylesheet" href="/assets/${dashboardAssets().version}/share.css">`,
    `<script type="module" src="/assets/${dashboardAssets().version}/share.js"></script>`,
    '</head><body>',
    `<h1>${e(heading)}</h1>`,
    `<p class="meta">Read-only view shared from contentstats · counts as of ${e(new Date(input.now).toISOString().slice(0, 16).replace('T', ' '))} UTC · `,
    `download <a href="${e(input.token)}.csv">CSV</a> · <a href="${e(input.token)}.json">JSON</a></p>`,
    '',
  ].join('\n');

  yield videoTableHead();
  const totals = Object.fromEntries(METRICS.map((m) => [m, 0n])) as Record<(typeof METRICS)[number], bigint>;
  let videoCount = 0;
  const rows = async function* () {
    if (input.scope.kind === 'video') yield firstPage;
    else yield* videoPages;
  };
  for await (const page of rows()) {
    let chunk = '';
    for (const row of page) {
      videoCount++;
      for (const m of METRICS) {
        const value = row.newest?.[m];
        if (value !== null && value !== undefined) totals[m] += BigInt(value);
      }
      chunk += videoTableRow(row);
    }
    yield chunk;
  }
  yield input.scope.kind === 'tag'
    ? `</tbody><tfoot><tr><td colspan="4">${videoCount} video${videoCount === 1 ? '' : 's'}</td>${METRICS.map((m) => `<td class="n">${count(totals[m].toString())}</td>`).join('')}<td colspan="5"></td></tr></tfoot></table>\n`
    : '</tbody></table>\n';

  if (input.scope.kind === 'video') {
    yield `<h2>Snapshots</h2>\n<table><thead><tr><th>Time (UTC)</th>${METRICS.map((m) => `<th>${m}</th>`).join('')}${METRICS.map((m) => `<th>${m} Δ</th>`).join('')}</tr></thead><tbody>\n`;
    for await (const page of snapshotExportPages(ex, input.request))
      yield page.map(snapshotTableRow).join('');
    yield '</tbody></table>\n';
  }
  yield '</body></html>\n';
}

function videoTableHead(): string {
  return `<table><thead><tr><th>Video</th><th>Platform</th><th>Creator</th><th>Status</th>${METRICS.map((m) => `<th>${m}</th>`).join('')}${METRICS.map((m) => `<th>${m} growth</th>`).join('')}</tr></thead><tbody>\n`;
}

function videoTableRow(row: VideoExportRow): string {
  const { video } = row;
  const title = video.title?.trim() || video.canonical_url;
  return [
    '<tr>',
    `<td>${link(video.canonical_url, title)}</td>`,
    `<td>${e(platformDisplayName(video.platform))}</td>`,
    `<td>${e(video.creator)}</td>`,
    `<td>${e(video.status)}</td>`,
    ...METRICS.map((m) => `<td class="n">${count(row.newest?.[m])}</td>`),
    ...METRICS.map((m) => growth(row.growth[`${m}_growth`])),
    '</tr>\n',
  ].join('');
}

function snapshotTableRow(row: SnapshotExportRow): string {
  const time = new Date(row.snapshot.taken_at).toISOString().slice(0, 16).replace('T', ' ');
  return [
    `<tr><td>${e(time)}</td>`,
    ...METRICS.map((m) => `<td class="n">${count(row.snapshot[m])}</td>`),
    ...METRICS.map((m) => growth(row.deltas[`${m}_delta`])),
    '</tr>\n',
  ].join('');
}
