// The emails about an account rather than one tracking: its available balance fell low (balance.low), or one
// of its webhook endpoints was disabled after failing for days. The payload carries the figures as they were
// when the alert was raised; the recipient is read at send time.
import { ok } from '../result.ts';
import { findAccount } from '../store/accounts.ts';
import type { Executor } from '../store/transaction.ts';
import { escapeHtml } from './html-escape.ts';
import type { RenderResult } from './tracking-email.ts';

interface BalanceLowPayload {
  event: 'balance.low';
  available_micro_usd: number;
  threshold_micro_usd: number;
}

interface WebhookDisabledPayload {
  event: 'webhook.disabled';
  webhook_id: string;
  url: string;
  reason: string;
}

type AlertPayload = BalanceLowPayload | WebhookDisabledPayload;

const ALERT_EVENTS = new Set(['balance.low', 'webhook.disabled']);

const usd = (microUsd: number) => `$${(microUsd / 1e6).toFixed(2)}`;

/** The email of an alert row, or null when the row is not an account alert (a tracking's email). */
export async function renderAccountAlertEmail(
  ex: Executor,
  row: { account_id: string; payload: string },
): Promise<RenderResult | null> {
  let payload: AlertPayload;
  try {
    payload = JSON.parse(row.payload) as AlertPayload;
  } catch {
    return null;
  }
  if (!ALERT_EVENTS.has(payload?.event)) return null;
  const account = await findAccount(ex, row.account_id);
  if (!account)
    return { ok: false, error: { kind: 'unrenderable', message: 'the account no longer exists' } };
  const lines =
    payload.event === 'balance.low'
      ? {
          subject: `contentstats: your available balance is ${usd(payload.available_micro_usd)}`,
          body: [
            `Your available balance (balance minus what running trackings have reserved) is ${usd(payload.available_micro_usd)},`,
            `below ${usd(payload.threshold_micro_usd)}: about one day of what your trackings cost, or the threshold you set.`,
            'New trackings need available balance; add credit to keep tracking. This alert is sent once, until your next top-up.',
          ],
        }
      : {
          subject: 'contentstats: a webhook endpoint was disabled',
          body: [
            `The webhook endpoint ${payload.webhook_id} (${payload.url}) was disabled: ${payload.reason}.`,
            'Its pending deliveries were marked failed. Fix the receiver, then enable it again with',
            `PATCH /api/v1/webhooks/${payload.webhook_id} {"disabled": false}; failed deliveries can be redelivered.`,
          ],
        };
  return ok({
    to: account.email,
    subject: lines.subject,
    text: `${lines.body.join('\n')}\n`,
    html: `<p>${lines.body.map(escapeHtml).join('<br>\n')}</p>\n`,
  });
}
