// @ts-check
// Track one link or many pasted ones (one per line, up to 100) for a number of days, with tags: the estimated
// cost and the available balance are shown before submitting, and each link's outcome after.
import { field, h, replace } from '../dom.js';
import { FEATURES } from '../features.js';
import { money, platformName } from '../format.js';

export const MAX_LINKS = 100;

/** @param {string} text */
export function pastedLinks(text) {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * What a refused track means to a person, by the API's status.
 * @param {number} status
 */
export function outcomeLabel(status) {
  switch (status) {
    case 201:
      return 'Created';
    case 400:
      return 'Not a supported link';
    case 402:
      return 'Not enough money';
    case 403:
      return 'Over the limit';
    case 404:
      return 'Not found or private';
    case 409:
      return 'Already being submitted';
    case 429:
      return 'Rate limited, try again shortly';
    default:
      return status >= 500 ? 'The platform could not be read' : `Refused (${status})`;
  }
}

/**
 * @param {import('../app.js').ViewContext} context
 * @param {HTMLElement} main
 */
export async function render(context, main) {
  const { api } = context;
  const links = h('textarea', {
    name: 'links',
    rows: 5,
    required: true,
    spellcheck: false,
    placeholder: 'https://www.tiktok.com/@creator/video/7301234567890123456',
  });
  const days = h('input', {
    name: 'days',
    type: 'number',
    min: 1,
    max: 30,
    step: 1,
    value: 7,
    required: true,
    inputMode: 'numeric',
  });
  const tags = FEATURES.tags ? h('input', { name: 'tags', autocomplete: 'off' }) : null;
  const estimate = h('p', { class: 'estimate', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Track');
  const results = h('div', { class: 'results' });
  const form = h(
    'form',
    { class: 'card track-form', 'aria-labelledby': 'track-title' },
    field('Links', links, `One per line, up to ${MAX_LINKS}: TikTok, YouTube, Instagram or X video links`),
    field('Days', days, 'How long to track each video: 1 to 30 days, one snapshot an hour'),
    tags ? field('Tags', tags, 'Optional, comma-separated (e.g. a campaign name)') : null,
    estimate,
    submit,
  );
  replace(main, h('h1', { id: 'track-title' }, 'Track videos'), form, results);

  const usageAnswer = await api.get('/usage');
  const usage = usageAnswer.ok ? usageAnswer.body : null;

  function update() {
    const count = pastedLinks(links.value).length;
    const dayCount = Number(days.value);
    if (!usage) {
      estimate.textContent = 'The balance could not be read.';
      return;
    }
    if (count > MAX_LINKS) {
      estimate.textContent = `${count} links: at most ${MAX_LINKS} at once.`;
      estimate.className = 'estimate error';
      submit.disabled = true;
      return;
    }
    submit.disabled = false;
    const snapshots = count * dayCount * 24;
    const cost = context.testMode ? 0 : snapshots * usage.cost_per_snapshot;
    estimate.className = cost > usage.available_usd ? 'estimate error' : 'estimate';
    estimate.textContent = context.testMode
      ? `${count} link${count === 1 ? '' : 's'} × ${dayCount} days: free with a test key. Available balance: ${money(usage.available_usd)} (a test key never draws on it).`
      : `${count} link${count === 1 ? '' : 's'} × ${dayCount} days × 24 snapshots × ${money(usage.cost_per_snapshot)} = ${money(cost)} reserved now. Available: ${money(usage.available_usd)}.` +
        (cost > usage.available_usd
          ? ' Not enough for all of them: the first ones that fit are tracked.'
          : '');
  }
  links.addEventListener('input', update);
  days.addEventListener('input', update);
  update();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const list = pastedLinks(links.value);
    const dayCount = Number(days.value);
    if (list.length === 0 || list.length > MAX_LINKS || !Number.isInteger(dayCount)) return;
    const tagList = tags
      ? tags.value
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : [];
    submit.disabled = true;
    submit.textContent = 'Tracking…';
    /** @type {{link: string, status: number, video?: any, message?: string}[]} */
    let outcomes = [];
    if (FEATURES.batchTrack) {
      outcomes = await trackBatch(context, list, dayCount, tagList);
    } else {
      for (const link of list) {
        const answer = await api.request('POST', '/videos/track', {
          body: { video_link: link, duration_days: dayCount, ...(tagList.length ? { tags: tagList } : {}) },
          headers: { 'idempotency-key': crypto.randomUUID() },
        });
        outcomes.push(
          answer.ok
            ? { link, status: answer.status, video: answer.body }
            : { link, status: answer.status, message: answer.message },
        );
      }
    }
    submit.disabled = false;
    submit.textContent = 'Track';
    const created = outcomes.filter((o) => o.status === 201).length;
    replace(
      results,
      h('h2', null, `${created} of ${outcomes.length} tracked`),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'outcomes' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Link'),
              h('th', { scope: 'col' }, 'Outcome'),
              h('th', { scope: 'col' }, 'Details'),
            ),
          ),
          h(
            'tbody',
            null,
            outcomes.map((o) =>
              h(
                'tr',
                { class: o.status === 201 ? 'ok' : 'refused' },
                h('td', { class: 'link-cell' }, o.link),
                h(
                  'td',
                  null,
                  h(
                    'span',
                    { class: `badge ${o.status === 201 ? 'status-monitoring' : 'status-error'}` },
                    outcomeLabel(o.status),
                  ),
                ),
                h(
                  'td',
                  null,
                  o.video
                    ? h(
                        'a',
                        { href: `#/videos/${encodeURIComponent(o.video.id)}` },
                        `${platformName(o.video.platform)} video, ${money(o.video.estimated_cost)} estimated`,
                      )
                    : (o.message ?? ''),
                ),
              ),
            ),
          ),
        ),
      ),
    );
    results.querySelector('h2')?.setAttribute('tabindex', '-1');
    /** @type {HTMLElement | null} */ (results.querySelector('h2'))?.focus();
    const refreshed = await api.get('/usage');
    if (refreshed.ok) Object.assign(usage ?? {}, refreshed.body);
    update();
  });
}

/**
 * One batch request. The API refuses a whole batch (400) when an item is malformed, naming it as
 * `videos[i]…`: those items are answered as refused and the others sent again, once.
 * @param {import('../app.js').ViewContext} context
 * @param {string[]} list
 * @param {number} days
 * @param {string[]} tags
 * @returns {Promise<{link: string, status: number, video?: any, message?: string}[]>}
 */
async function trackBatch(context, list, days, tags) {
  /** @type {({link: string, status: number, video?: any, message?: string} | undefined)[]} */
  const outcomes = list.map(() => undefined);
  let pending = list.map((link, index) => ({ link, index }));
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
    const answer = await context.api.request('POST', '/videos/track/batch', {
      body: {
        videos: pending.map(({ link }) => ({ video_link: link, duration_days: days })),
        ...(tags.length ? { tags } : {}),
      },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    if (answer.ok) {
      for (const result of answer.body.results) {
        const item = pending[result.index];
        if (!item) continue;
        outcomes[item.index] = {
          link: item.link,
          status: result.status,
          video: result.video,
          message: result.error ? errorText(result.error) : undefined,
        };
      }
      pending = [];
      break;
    }
    /** @type {Map<number, string[]>} */
    const refused = new Map();
    for (const detail of Array.isArray(answer.body?.details) ? answer.body.details : []) {
      const at = /^videos\[(\d+)\]/.exec(String(detail?.field ?? ''));
      if (!at) continue;
      const position = Number(at[1]);
      refused.set(position, [...(refused.get(position) ?? []), String(detail.message ?? '')]);
    }
    if (answer.status !== 400 || refused.size === 0 || attempt === 1) {
      for (const { link, index } of pending)
        outcomes[index] = { link, status: answer.status, message: answer.message };
      pending = [];
      break;
    }
    for (const [position, messages] of refused) {
      const item = pending[position];
      if (item) outcomes[item.index] = { link: item.link, status: 400, message: messages.join('; ') };
    }
    pending = pending.filter((_, position) => !refused.has(position));
  }
  return outcomes.map((o, index) => o ?? { link: list[index] ?? '', status: 0, message: 'Not answered' });
}

/** @param {any} error */
function errorText(error) {
  if (error && typeof error === 'object' && typeof error.error === 'string') {
    const details = Array.isArray(error.details)
      ? error.details.map((/** @type {any} */ d) => `${d.field}: ${d.message}`)
      : [];
    return [error.error, ...(typeof error.message === 'string' ? [error.message] : []), ...details].join(
      ' — ',
    );
  }
  return String(error ?? '');
}
