// The email sent when a tracking ends: subject, plain text and HTML from one report. Every string that came
// from a platform or a user is escaped in the HTML part and flattened to one line where it sits in a line.
import { platformDisplayName } from '../platforms/registry.ts';
import { ok, type Result } from '../result.ts';
import type { Executor } from '../store/transaction.ts';
import { formatCount, formatGrowth, formatGrowthPercent, NOT_EXPOSED } from './format-count.ts';
import { escapeHtml } from './html-escape.ts';
import type { MailMessage } from './mailer.ts';
import {
  loadTrackingReport,
  type MetricName,
  type MetricSummary,
  parseTrackingEmailPayload,
  type TrackingReport,
  type Unrenderable,
} from './tracking-report.ts';

export interface TrackingEmailOptions {
  /** PUBLIC_BASE_URL without a trailing slash; the data links point there. */
  publicBaseUrl: string;
}

export type RenderResult = Result<MailMessage, Unrenderable>;

/** Renders the email of an outbox row from the database as it is now. Database errors are thrown. */
export async function renderTrackingEmail(
  ex: Executor,
  row: { account_id: string; payload: string },
  options: TrackingEmailOptions,
): Promise<RenderResult> {
  const parsed = parseTrackingEmailPayload(row.payload);
  if (!parsed.ok) return parsed;
  const loaded = await loadTrackingReport(ex, row.account_id, parsed.value);
  if (!loaded.ok) return loaded;
  return ok(composeTrackingEmail(loaded.value, options));
}

const METRIC_LABELS: Record<MetricName, string> = {
  views: 'Views',
  likes: 'Likes',
  comments: 'Comments',
  shares: 'Shares',
  saves: 'Saves',
};

const SUBJECT_TITLE_MAX = 80;

/** Everything both parts say, already worded; the parts differ only in layout and escaping. */
interface EmailContent {
  subject: string;
  heading: string;
  summary: string;
  /** Label/value pairs about the video and the period. */
  facts: Array<[string, string]>;
  canonicalUrl: string;
  countsCaption: string | null;
  metrics: MetricSummary[];
  dataLinks: DataLinks;
  testModeNote: string | null;
}

export function composeTrackingEmail(report: TrackingReport, options: TrackingEmailOptions): MailMessage {
  const content = describeTracking(report, options);
  return { to: report.recipient, subject: content.subject, text: textPart(content), html: htmlPart(content) };
}

function describeTracking(report: TrackingReport, options: TrackingEmailOptions): EmailContent {
  const { video } = report;
  const platform = platformDisplayName(video.platform);
  const title = oneLine(video.title ?? '') || `${platform} video ${video.platform_video_id}`;
  const ending = describeEnding(report);
  const testMode = video.mode === 'test';
  const subjectTitle = title.length > SUBJECT_TITLE_MAX ? `${title.slice(0, SUBJECT_TITLE_MAX - 1)}…` : title;

  const facts: Array<[string, string]> = [
    ['Video', title],
    ['Creator', oneLine(video.creator ?? '') || NOT_EXPOSED],
    ['Platform', platform],
    ['URL', video.canonical_url],
    ['Status', video.status],
  ];
  if (report.event === 'tracking.error') {
    facts.push(['Reason', oneLine(video.error_reason ?? '') || 'not given']);
    facts.push(['Deleted', video.is_deleted === 1 ? 'yes' : 'no']);
  }
  facts.push([
    'Tracked',
    `${formatTime(video.created_at)} to ${formatTime(video.ended_at ?? video.last_updated_at)}`,
  ]);
  facts.push([
    'Snapshots',
    `${video.snapshots_collected} collected, ${video.snapshots_missed} missed (${video.total_slots} planned)`,
  ]);

  const { firstSnapshot, finalSnapshot } = report;
  const countsCaption =
    firstSnapshot && finalSnapshot
      ? `Final counts (snapshot of ${formatTime(finalSnapshot.taken_at)}) and growth since the first snapshot (${formatTime(firstSnapshot.taken_at)})`
      : null;

  return {
    subject: `${testMode ? '[test] ' : ''}${ending.subjectPrefix}${subjectTitle}`,
    heading: ending.heading,
    summary: ending.summary,
    facts,
    canonicalUrl: video.canonical_url,
    countsCaption,
    metrics: report.metrics,
    dataLinks: dataLinks(report, options.publicBaseUrl),
    testModeNote: testMode
      ? 'This tracking used a test key: its numbers come from the built-in simulator, not from the platform.'
      : null,
  };
}

/**
 * Where the email sends its reader for the data: the share link made with the email (a page, CSV and JSON that
 * open without a key, until it expires), or — for an email queued before share links existed — the API.
 */
type DataLinks =
  | { kind: 'share'; pageUrl: string; csvUrl: string; jsonUrl: string; expiresAt: number }
  | { kind: 'api'; videoDataUrl: string; csvUrl: string };

function dataLinks(report: TrackingReport, publicBaseUrl: string): DataLinks {
  if (report.share) {
    const pageUrl = `${publicBaseUrl}/s/${encodeURIComponent(report.share.token)}`;
    return {
      kind: 'share',
      pageUrl,
      csvUrl: `${pageUrl}.csv`,
      jsonUrl: `${pageUrl}.json`,
      expiresAt: report.share.expiresAt,
    };
  }
  const base = `${publicBaseUrl}/api/v1/videos/${encodeURIComponent(report.video.id)}`;
  return { kind: 'api', videoDataUrl: base, csvUrl: `${base}/snapshots?format=csv` };
}

interface Ending {
  heading: string;
  subjectPrefix: string;
  summary: string;
}

function describeEnding(report: TrackingReport): Ending {
  const { video } = report;
  const days = `${video.duration_days}-day`;
  if (report.event === 'tracking.completed') {
    const stoppedEarly = video.next_slot < video.total_slots;
    return {
      heading: 'Tracking completed',
      subjectPrefix: 'Tracking completed: ',
      summary: stoppedEarly
        ? `The tracking of this video was stopped before the end of its ${days} period. The snapshots collected so far are kept.`
        : `The tracking of this video has finished its ${days} period.`,
    };
  }
  const reason = errorReason(video.is_deleted === 1, video.error_reason);
  return {
    heading: `Tracking stopped: ${reason.short}`,
    subjectPrefix: `Tracking stopped: ${reason.short} — `,
    summary: `The platform reports that the video ${reason.sentence}, so tracking stopped. No further snapshots will be taken or charged; the snapshots collected before are kept.`,
  };
}

/** The platform's verdict in words (scheduler/record-results.ts writes the reason); the raw reason is in the facts. */
function errorReason(deleted: boolean, reason: string | null): { short: string; sentence: string } {
  const text = (reason ?? '').toLowerCase();
  if (deleted || text.includes('delet')) return { short: 'video was deleted', sentence: 'was deleted' };
  if (text.includes('private')) return { short: 'video is private', sentence: 'is private' };
  if (/not.found/.test(text)) return { short: 'video not found', sentence: 'can no longer be found' };
  return { short: 'video is unavailable', sentence: 'is no longer available' };
}

function textPart(content: EmailContent): string {
  const lines: string[] = [content.heading, '', content.summary, ''];
  if (content.testModeNote) lines.push(content.testModeNote, '');
  const labelWidth = Math.max(...content.facts.map(([label]) => label.length)) + 2;
  for (const [label, value] of content.facts) lines.push(`${`${label}:`.padEnd(labelWidth)}${value}`);
  lines.push('');
  if (content.countsCaption) {
    lines.push(`${content.countsCaption}:`);
    const rows = content.metrics.map(
      (m) => [METRIC_LABELS[m.metric], formatCount(m.final), growthText(m)] as const,
    );
    const finalWidth = Math.max(...rows.map(([, final]) => final.length));
    for (const [label, final, growth] of rows) {
      lines.push(`  ${label.padEnd(10)}${final.padStart(finalWidth)}   ${growth}`);
    }
  } else {
    lines.push('No snapshot was collected, so there are no counts to report.');
  }
  const links = content.dataLinks;
  lines.push('');
  if (links.kind === 'share') {
    lines.push(
      `Your data (opens in a browser or a spreadsheet, no API key needed, until ${formatTime(links.expiresAt)}):`,
      `  Video page:        ${links.pageUrl}`,
      `  Snapshots as CSV:  ${links.csvUrl}`,
      `  Snapshots as JSON: ${links.jsonUrl}`,
      SHARE_NOTE,
    );
  } else {
    lines.push(
      'Your data (send your API key in the X-API-Key header):',
      `  Video and snapshots (JSON): ${links.videoDataUrl}`,
      `  Snapshots as CSV:           ${links.csvUrl}`,
    );
  }
  lines.push('', '— contentstats', '');
  return lines.join('\n');
}

function htmlPart(content: EmailContent): string {
  const cell = 'padding:4px 12px 4px 0;text-align:left;vertical-align:top';
  const number = 'padding:4px 12px 4px 0;text-align:right;font-variant-numeric:tabular-nums';
  const facts = content.facts
    .map(([label, value]) => {
      const shown = label === 'URL' ? link(value, value) : escapeHtml(value);
      return `<tr><th style="${cell};font-weight:600">${escapeHtml(label)}</th><td style="${cell}">${shown}</td></tr>`;
    })
    .join('\n');
  const counts = content.countsCaption
    ? [
        `<p>${escapeHtml(content.countsCaption)}:</p>`,
        '<table style="border-collapse:collapse">',
        `<thead><tr><th style="${cell}">Metric</th><th style="${number}">Final</th><th style="${number}">Growth</th></tr></thead>`,
        '<tbody>',
        ...content.metrics.map(
          (m) =>
            `<tr><td style="${cell}">${METRIC_LABELS[m.metric]}</td><td style="${number}">${escapeHtml(formatCount(m.final))}</td><td style="${number}">${escapeHtml(growthText(m))}</td></tr>`,
        ),
        '</tbody></table>',
      ].join('\n')
    : '<p>No snapshot was collected, so there are no counts to report.</p>';
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"></head>',
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222">',
    `<h1 style="font-size:18px">${escapeHtml(content.heading)}</h1>`,
    `<p>${escapeHtml(content.summary)}</p>`,
    content.testModeNote ? `<p><em>${escapeHtml(content.testModeNote)}</em></p>` : '',
    `<table style="border-collapse:collapse">\n${facts}\n</table>`,
    counts,
    dataLinksHtml(content.dataLinks),
    '<p style="color:#777">— contentstats</p>',
    '</body></html>',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}

const SHARE_NOTE =
  "Anyone with these links can see this video's counts; list or revoke them with GET/DELETE /api/v1/share-links.";

function dataLinksHtml(links: DataLinks): string {
  if (links.kind === 'share') {
    return [
      `<p>Your data: ${link(links.pageUrl, 'video page')} · ${link(links.csvUrl, 'snapshots as CSV')} · ${link(links.jsonUrl, 'JSON')}<br>`,
      `<small>These links open without an API key until ${escapeHtml(formatTime(links.expiresAt))}. ${escapeHtml(SHARE_NOTE)}</small></p>`,
    ].join('\n');
  }
  return [
    `<p>Your data: ${link(links.videoDataUrl, 'video and snapshots (JSON)')} · ${link(links.csvUrl, 'snapshots as CSV')}<br>`,
    '<small>Send your API key in the X-API-Key header.</small></p>',
  ].join('\n');
}

/** Only http(s) addresses become links; anything else is shown as text. */
function link(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
}

function growthText(metric: MetricSummary): string {
  const percent = formatGrowthPercent(metric.start, metric.growth);
  const growth = formatGrowth(metric.growth);
  return percent ? `${growth} (${percent})` : growth;
}

/** Titles and names from platforms may hold newlines and control characters; in a line they are one space. */
function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return value.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
