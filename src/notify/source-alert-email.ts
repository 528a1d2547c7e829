// The email to the operator when a platform source's share of working answers falls below the threshold,
// and when it comes back. Everything it says travels in the outbox row's payload (written when the state
// changed), so a retried email still describes that moment.
import { platformDisplayName } from '../platforms/registry.ts';
import { err, ok, type Result } from '../result.ts';
import { escapeHtml } from './html-escape.ts';
import type { MailMessage } from './mailer.ts';

export const SOURCE_ALERT_EVENTS = ['source.degraded', 'source.recovered'] as const;
export type SourceAlertEvent = (typeof SOURCE_ALERT_EVENTS)[number];

export interface SourceAlertPayload {
  event: SourceAlertEvent;
  /** OPERATOR_EMAIL when the alert was raised. */
  to: string;
  platform: string;
  source: string;
  /** Over the window: attempts, and the share (0–1) that worked. */
  attempts: number;
  working_share: number;
  window_minutes: number;
  /** The threshold (0–1) it was judged against. */
  below_share: number;
  /** Attempts per outcome over the window, most frequent first. */
  outcomes: Record<string, number>;
  /** Unix ms of the last success, if any is known. */
  last_success_at: number | null;
  at: number;
}

type Unrenderable = { kind: 'unrenderable'; message: string };

/** The alert a payload describes, or undefined when the payload is not a source alert at all. */
export function readSourceAlertPayload(
  payloadJson: string,
): Result<SourceAlertPayload, Unrenderable> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payloadJson);
  } catch {
    return undefined;
  }
  const event = (value as { event?: unknown } | null)?.event;
  if (!SOURCE_ALERT_EVENTS.some((known) => known === event)) return undefined;
  const payload = value as Partial<SourceAlertPayload>;
  const complete =
    typeof payload.to === 'string' &&
    typeof payload.platform === 'string' &&
    typeof payload.source === 'string' &&
    typeof payload.attempts === 'number' &&
    typeof payload.working_share === 'number' &&
    typeof payload.window_minutes === 'number' &&
    typeof payload.below_share === 'number' &&
    typeof payload.at === 'number' &&
    typeof payload.outcomes === 'object' &&
    payload.outcomes !== null;
  if (!complete) return err({ kind: 'unrenderable', message: 'source alert payload incomplete' });
  return ok(payload as SourceAlertPayload);
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

export function composeSourceAlertEmail(alert: SourceAlertPayload): MailMessage {
  const platform = platformDisplayName(alert.platform);
  const degraded = alert.event === 'source.degraded';
  const subject = degraded
    ? `${platform} source ${alert.source} is failing (${percent(alert.working_share)} working)`
    : `${platform} source ${alert.source} has recovered (${percent(alert.working_share)} working)`;
  const outcomes = Object.entries(alert.outcomes)
    .sort(([, a], [, b]) => b - a)
    .map(([outcome, count]) => `${outcome}: ${count}`);
  const lines = [
    degraded
      ? `Over the last ${alert.window_minutes} minutes, ${percent(alert.working_share)} of ${alert.attempts} reads of ${platform}'s source ${alert.source} worked (the threshold is ${percent(alert.below_share)}).`
      : `Over the last ${alert.window_minutes} minutes, ${percent(alert.working_share)} of ${alert.attempts} reads of ${platform}'s source ${alert.source} worked again.`,
    '',
    `Outcomes: ${outcomes.join(', ') || 'none'}`,
    `Last success: ${alert.last_success_at === null ? 'none recorded' : new Date(alert.last_success_at).toISOString()}`,
    `Raised at: ${new Date(alert.at).toISOString()}`,
    '',
    ...(degraded
      ? [
          'What to do: run `npx contentstats doctor` on the server to see what each source answers now.',
          'blocked: the platform turns this server away (use proxies, CONTENTSTATS_PROXY_URLS);',
          'format_changed: the platform changed its answers (update contentstats, or set the id by hand —',
          'README, "When a platform changes"). Per-source numbers: GET /admin/v1/health/sources.',
        ]
      : ['No action needed. You will be told again if it falls below the threshold.']),
  ];
  const text = `${lines.join('\n')}\n`;
  const html = `<!doctype html><html><body>${lines
    .map((line) => (line === '' ? '<br>' : `<p>${escapeHtml(line)}</p>`))
    .join('')}</body></html>`;
  return { to: alert.to, subject, text, html };
}
