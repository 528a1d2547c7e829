// @ts-check
// One video: what it is, its chart per metric (linear or log, totals or growth per interval), its snapshots,
// and what can be done with it (pause, resume, stop with the money each moves shown first; tags; CSV; a share
// link). `renderVideoDetail` draws the read-only part alone, for the share page.
import { renderChartPanel } from '../chart-panel.js';
import { confirmDialog, externalLink, field, h, replace, toast } from '../dom.js';
import { FEATURES } from '../features.js';
import {
  dateTime,
  fullCount,
  METRICS,
  money,
  platformName,
  relativeTime,
  signedCount,
  statusLabel,
} from '../format.js';

const TABLE_ROWS = 100;
const REFRESH_MIN_MS = 2_000;
const REFRESH_MAX_MS = 60_000;

/**
 * @param {import('../app.js').ViewContext} context
 * @param {HTMLElement} main
 * @param {import('../app.js').Route} route
 */
export async function render(context, main, route) {
  const { api } = context;
  const id = route.path[1] ?? '';
  let closed = false;
  /** @type {number | undefined} */
  let timer;
  const head = h('div');
  const actions = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Actions' });
  const extras = h('div');
  const detail = h('div');
  replace(main, h('p', null, h('a', { href: '#/videos' }, '← All videos')), head, actions, extras, detail);
  /** @type {ReturnType<typeof renderVideoDetail> | undefined} */
  let view;

  async function load() {
    const answer = await api.get(`/videos/${encodeURIComponent(id)}`);
    if (closed) return;
    if (!answer.ok) {
      replace(head, h('h1', null, answer.status === 404 ? 'Video not found' : 'Could not load the video'));
      replace(detail, h('p', { class: 'error', role: 'alert' }, answer.message));
      return;
    }
    const video = answer.body;
    replace(head, videoHeading(video));
    renderActions(video);
    if (view) view.update(video);
    else view = renderVideoDetail(detail, video);
    schedule(video);
  }

  /** Reloads soon after the next snapshot is due, while the video is being tracked. @param {any} video */
  function schedule(video) {
    window.clearTimeout(timer);
    if (closed || video.status !== 'monitoring' || !video.next_snapshot_at) return;
    const wait = Date.parse(video.next_snapshot_at) - Date.now() + 1_000;
    timer = window.setTimeout(() => void load(), Math.min(REFRESH_MAX_MS, Math.max(REFRESH_MIN_MS, wait)));
  }

  /** @param {any} video */
  function renderActions(video) {
    const remaining = Math.max(
      0,
      video.monitoring_duration_days * 24 - video.snapshots_collected - video.snapshots_missed,
    );
    const price = video.estimated_cost / (video.monitoring_duration_days * 24);
    const moneyLine = (/** @type {string} */ verb) =>
      context.testMode
        ? 'Test key: no money moves.'
        : `${verb} about ${money(remaining * price)} (${remaining} remaining snapshot${remaining === 1 ? '' : 's'} × ${money(price)}).`;
    /** @type {HTMLElement[]} */
    const buttons = [];
    const change = async (
      /** @type {'pause' | 'resume' | 'stop'} */ action,
      /** @type {string} */ title,
      /** @type {string} */ explanation,
      /** @type {string} */ money,
    ) => {
      const confirmed = await confirmDialog({
        title,
        body: [h('p', null, explanation), h('p', { class: 'money-line' }, money)],
        confirm: title,
        danger: action === 'stop',
      });
      if (!confirmed) return;
      const answer = await api.request('POST', `/videos/${encodeURIComponent(video.id)}/${action}`);
      if (answer.ok) toast(`${title}: done.`);
      else toast(answer.message);
      await load();
    };
    if (video.status === 'monitoring') {
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () =>
              change(
                'pause',
                'Pause tracking',
                'No snapshots are taken while paused; slots that pass are recorded as missed. The reservation goes back to the balance until you resume.',
                moneyLine('Releases'),
              ),
          },
          'Pause',
        ),
      );
    }
    if (video.status === 'paused') {
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: () =>
              change(
                'resume',
                'Resume tracking',
                'Tracking continues within its original window; the remaining snapshots are reserved again from the available balance.',
                moneyLine('Reserves at most'),
              ),
          },
          'Resume',
        ),
      );
    }
    if (video.status === 'monitoring' || video.status === 'paused') {
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            onclick: () =>
              change(
                'stop',
                'Stop tracking',
                'Tracking ends now and cannot be restarted. Collected snapshots stay.',
                moneyLine(video.status === 'paused' ? 'Nothing is reserved now; releases' : 'Releases'),
              ),
          },
          'Stop',
        ),
      );
    }
    buttons.push(
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: async () => {
            const done = await api.download(
              `/videos/${encodeURIComponent(video.id)}/snapshots`,
              { format: 'csv', limit: 1000, include_missed: 'true' },
              `${video.id}-snapshots.csv`,
            );
            toast(done.ok ? 'CSV downloaded.' : done.message);
          },
        },
        'Download CSV',
      ),
    );
    if (FEATURES.shareLinks) {
      buttons.push(
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => shareLink(context, extras, { video_id: video.id }),
          },
          'Share link',
        ),
      );
    }
    replace(actions, buttons);
    if (FEATURES.tags && !extras.querySelector('.tags-editor'))
      extras.prepend(tagsEditor(context, video, load));
  }

  await load();
  return () => {
    closed = true;
    window.clearTimeout(timer);
    view?.destroy();
  };
}

/** @param {any} video */
export function videoHeading(video) {
  const meta = video.current_metadata ?? {};
  return h(
    'header',
    { class: 'video-head' },
    h('h1', { class: 'video-title' }, meta.title || video.video_link),
    h(
      'p',
      { class: 'muted' },
      meta.creator ? `${meta.creator} · ` : '',
      platformName(video.platform),
      ' · ',
      externalLink(video.canonical_url ?? video.video_link, 'Open on the platform'),
    ),
    h(
      'p',
      null,
      h('span', { class: `badge status-${video.status}` }, statusLabel(video.status)),
      video.error_reason ? h('span', { class: 'error-reason' }, ` ${video.error_reason}`) : null,
      ...(Array.isArray(video.tags)
        ? video.tags.map((/** @type {string} */ tag) =>
            h('a', { class: 'tag', href: `#/campaigns/${encodeURIComponent(tag)}` }, tag),
          )
        : []),
    ),
  );
}

/**
 * The facts, the chart and the snapshot table: everything a read-only viewer sees.
 * @param {HTMLElement} container
 * @param {any} initialVideo
 * @param {{readOnly?: boolean}} [options]
 */
export function renderVideoDetail(container, initialVideo, options = {}) {
  let video = initialVideo;
  const facts = h('dl', { class: 'facts' });
  const chartSection = h('section', { 'aria-labelledby': 'chart-title' });
  const tableBox = h('div');
  replace(
    container,
    facts,
    chartSection,
    h('section', { 'aria-labelledby': 'table-title' }, h('h2', { id: 'table-title' }, 'Snapshots'), tableBox),
  );
  const chart = renderChartPanel(chartSection, video.snapshots);

  function fill() {
    replace(facts, ...factsOf(video, options.readOnly ?? false));
    replace(tableBox, snapshotTable(video));
  }

  fill();
  return {
    /** @param {any} next */
    update(next) {
      const changed = next.snapshots.length !== video.snapshots.length || next.status !== video.status;
      video = next;
      fill();
      if (changed) chart.update(video.snapshots);
    },
    destroy() {
      chart.destroy();
    },
  };
}

/** @param {any} video @param {boolean} readOnly */
function factsOf(video, readOnly) {
  /** @type {[string, string | Node][]} */
  const rows = [
    ['Tracking started', dateTime(video.monitoring_started)],
    [
      'Duration',
      `${video.monitoring_duration_days} day${video.monitoring_duration_days === 1 ? '' : 's'} (${video.days_remaining} remaining)`,
    ],
    ['Snapshots', `${video.snapshots_collected} collected, ${video.snapshots_missed} missed`],
    [
      'Newest snapshot',
      video.latest
        ? `${dateTime(video.latest.snapshot_time)} (${relativeTime(video.latest.snapshot_time)})`
        : '—',
    ],
  ];
  if (video.status === 'monitoring' && video.next_snapshot_at)
    rows.push(['Next snapshot', relativeTime(video.next_snapshot_at)]);
  if (video.ended_at) rows.push(['Ended', dateTime(video.ended_at)]);
  if (!readOnly) rows.push(['Estimated cost', money(video.estimated_cost)]);
  if (video.metadata && typeof video.metadata === 'object') {
    for (const [name, value] of Object.entries(video.metadata)) rows.push([name, String(value)]);
  }
  return rows.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]);
}

/** Newest first; a missed slot is a row of its own. @param {any} video */
function snapshotTable(video) {
  /** @type {any[]} */
  const snapshots = video.snapshots;
  const metrics = METRICS.filter((metric) => snapshots.some((s) => s[metric] !== null));
  /** @type {{slot: number, snapshot?: any, previous?: any}[]} */
  const rows = [];
  for (let i = snapshots.length - 1; i >= 0 && rows.length < TABLE_ROWS; i--) {
    const snapshot = snapshots[i];
    const previous = snapshots[i - 1];
    rows.push({
      slot: snapshot.slot,
      snapshot,
      previous: previous?.slot === snapshot.slot - 1 ? previous : undefined,
    });
    if (previous)
      for (let slot = snapshot.slot - 1; slot > previous.slot && rows.length < TABLE_ROWS; slot--)
        rows.push({ slot });
  }
  const caption = h(
    'caption',
    null,
    snapshots.length > TABLE_ROWS
      ? `The newest ${TABLE_ROWS} slots of ${video.snapshots_collected + video.snapshots_missed}; the CSV has them all.`
      : 'Every slot so far, newest first.',
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'snapshots' },
      caption,
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', class: 'num' }, 'Slot'),
          h('th', { scope: 'col' }, 'Time'),
          metrics.map((m) => h('th', { scope: 'col', class: 'num' }, m.charAt(0).toUpperCase() + m.slice(1))),
          h('th', { scope: 'col', class: 'num' }, 'Views growth'),
          h('th', { scope: 'col' }, 'Source'),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map(({ slot, snapshot, previous }) =>
          snapshot
            ? h(
                'tr',
                snapshot.approximate ? { class: 'approximate' } : null,
                h('td', { class: 'num' }, String(slot)),
                h('td', null, dateTime(snapshot.snapshot_time)),
                metrics.map((m) =>
                  h(
                    'td',
                    { class: 'num' },
                    snapshot.approximate && snapshot[m] !== null
                      ? h(
                          'span',
                          { class: 'approx', title: 'Approximate: the platform shows a rounded count' },
                          `≈${fullCount(snapshot[m])}`,
                        )
                      : fullCount(snapshot[m]),
                  ),
                ),
                h(
                  'td',
                  { class: 'num' },
                  previous && snapshot.views !== null && previous.views !== null
                    ? signedCount((BigInt(snapshot.views) - BigInt(previous.views)).toString())
                    : '—',
                ),
                h('td', null, snapshot.provider ?? '—'),
              )
            : h(
                'tr',
                { class: 'missed' },
                h('td', { class: 'num' }, String(slot)),
                h('td', { colSpan: metrics.length + 3 }, 'Missed: not collected, not charged'),
              ),
        ),
      ),
    ),
  );
}

/**
 * Tags of a video, edited as one comma-separated field (PATCH replaces them).
 * @param {import('../app.js').ViewContext} context
 * @param {any} video
 * @param {() => Promise<void>} reload
 */
function tagsEditor(context, video, reload) {
  const input = h('input', { name: 'tags', value: (video.tags ?? []).join(', '), autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'tags-editor inline-form' },
    field('Tags', input, 'Comma-separated, up to 10'),
    h('button', { type: 'submit', class: 'secondary' }, 'Save tags'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const tags = input.value
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    const answer = await context.api.request('PATCH', `/videos/${encodeURIComponent(video.id)}`, {
      body: { tags },
    });
    toast(answer.ok ? 'Tags saved.' : answer.message);
    if (answer.ok) {
      input.value = (answer.body.tags ?? tags).join(', ');
      await reload();
    }
  });
  return form;
}

/**
 * Creates a share link (a read-only page anyone with the address can open) and shows it once.
 * @param {import('../app.js').ViewContext} context
 * @param {HTMLElement} where
 * @param {{video_id: string} | {tag: string}} target
 */
export async function shareLink(context, where, target) {
  const answer = await context.api.request('POST', '/share-links', { body: target });
  if (!answer.ok) {
    toast(answer.message);
    return;
  }
  const output = h('input', { readOnly: true, value: answer.body.url, class: 'share-url' });
  where.querySelector('.share-box')?.remove();
  where.append(
    h(
      'div',
      { class: 'share-box card', role: 'status' },
      field(
        'Share link (anyone with it can view, read-only)',
        output,
        answer.body.expires_at
          ? `Expires ${dateTime(answer.body.expires_at)}`
          : 'Does not expire; revoke it from the API.',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => void navigator.clipboard?.writeText(output.value).then(() => toast('Copied.')),
        },
        'Copy',
      ),
    ),
  );
  output.select();
}
