// @ts-check
// One video: what it is, its chart per metric (linear or log, totals or growth per interval), its snapshots,
// and what can be done with it (pause, resume, stop with the money each moves shown first; tags; CSV and XLSX
// downloads; a share link). `renderVideoDetail` draws the read-only part (header, chart panel, snapshots); the
// share page (web/share.js) reuses the same chart panel over its server-rendered tables.
//
// Loading: GET /videos/{id} once, the video with its collected snapshots (at most 30 days × 24 = 720: about
// 168 KB of JSON, one request; the paged snapshots route says the same in 236 KB, with its deltas). While the
// video is tracked and the tab visible, the page asks the snapshots route only for the slots settled after the
// newest one it has (`starting_after`, a 73-byte answer when there is none), soon after the next snapshot is
// due, and reads the video again only when one has arrived; the chart is updated in place (a zoom is kept) and
// the actions are rebuilt only when the status changes, so nothing loses focus. Coming back to the tab after a
// minute reads the video again (it may have been paused or stopped elsewhere).
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
import { repeatWhileVisible, waitFor } from '../live.js';

/** Table rows shown at first and added by "Show older slots". */
const TABLE_PAGE = 100;
const POLL_MIN_MS = 2_000;
const POLL_MAX_MS = 60_000;
const RATE_RESERVE = 15;
/** Coming back to a tab whose video was read longer ago than this reads it again. */
const STALE_MS = 60_000;

/**
 * Slots settled so far (collected or missed): slots are settled in order, so they are 0 … settled − 1.
 * @param {any} video
 */
export function settledSlots(video) {
  const newest = video.snapshots?.at(-1)?.slot ?? -1;
  return Math.max(video.snapshots_collected + video.snapshots_missed, newest + 1);
}

/**
 * @param {import('../app.js').ViewContext} context
 * @param {HTMLElement} main
 * @param {import('../app.js').Route} route
 */
export async function render(context, main, route) {
  const { api } = context;
  const id = route.path[1] ?? '';
  let closed = false;
  const head = h('div');
  const actions = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Actions' });
  const extras = h('div');
  const detail = h('div');
  replace(main, h('p', null, h('a', { href: '#/videos' }, '← All videos')), head, actions, extras, detail);
  /** @type {ReturnType<typeof renderVideoDetail> | undefined} */
  let view;
  /** The video as last read. @type {any} */
  let video;
  let readAt = 0;
  let headKey = '';
  let actionsFor = '';

  async function load() {
    const answer = await api.get(`/videos/${encodeURIComponent(id)}`);
    if (closed) return;
    if (!answer.ok) {
      replace(head, h('h1', null, answer.status === 404 ? 'Video not found' : 'Could not load the video'));
      replace(detail, h('p', { class: 'error', role: 'alert' }, answer.message));
      return;
    }
    video = answer.body;
    readAt = Date.now();
    const key = JSON.stringify([video.current_metadata, video.status, video.error_reason, video.tags]);
    if (key !== headKey) replace(head, videoHeading(video));
    headKey = key;
    if (actionsFor !== video.status) renderActions();
    actionsFor = video.status;
    if (view) view.update(video);
    else view = renderVideoDetail(detail, video);
    main.dataset.videoStatus = video.status;
  }

  /** Slots settled after the newest one shown: when there are, the video is read again. */
  async function poll() {
    if (video?.status !== 'monitoring' || api.rateRemaining < RATE_RESERVE) return;
    const settled = settledSlots(video);
    const answer = await api.get(`/videos/${encodeURIComponent(id)}/snapshots`, {
      include_missed: 'true',
      limit: 1,
      starting_after: settled > 0 ? `${video.job_id}-${settled - 1}` : undefined,
    });
    if (closed) return;
    if (!answer.ok || answer.body.snapshots.length > 0) await load();
    else view?.update(video);
  }

  const live = repeatWhileVisible(poll, () =>
    video?.status === 'monitoring'
      ? waitFor(video.next_snapshot_at ? Date.parse(video.next_snapshot_at) : null, POLL_MIN_MS, POLL_MAX_MS)
      : POLL_MAX_MS,
  );
  const onVisible = () => {
    if (!document.hidden && video && Date.now() - readAt > STALE_MS) void load().then(live.reschedule);
  };
  document.addEventListener('visibilitychange', onVisible);

  /** Pause, resume, stop (each saying what money it moves), downloads and the share link; rebuilt per status. */
  function renderActions() {
    const change = async (
      /** @type {'pause' | 'resume' | 'stop'} */ action,
      /** @type {string} */ title,
      /** @type {string} */ explanation,
    ) => {
      const confirmed = await confirmDialog({
        title,
        body: [
          h('p', null, explanation),
          h('p', { class: 'money-line' }, moneyMoved(video, action, context.testMode)),
        ],
        confirm: title,
        danger: action === 'stop',
      });
      if (!confirmed) return;
      const answer = await api.request('POST', `/videos/${encodeURIComponent(video.id)}/${action}`);
      if (answer.ok) toast(`${title}: done.`);
      else toast(answer.message);
      await load();
      live.reschedule();
    };
    /** @type {HTMLElement[]} */
    const buttons = [];
    const button = (
      /** @type {string} */ className,
      /** @type {string} */ label,
      /** @type {() => void} */ onclick,
    ) => buttons.push(h('button', { type: 'button', class: className, onclick }, label));
    if (video.status === 'monitoring') {
      button('secondary', 'Pause', () =>
        change(
          'pause',
          'Pause tracking',
          'No snapshots are taken while paused; slots that pass are recorded as missed. The reservation goes back to the balance until you resume.',
        ),
      );
    }
    if (video.status === 'paused') {
      button('primary', 'Resume', () =>
        change(
          'resume',
          'Resume tracking',
          'Tracking continues within its original window; the remaining snapshots are reserved again from the available balance.',
        ),
      );
    }
    if (video.status === 'monitoring' || video.status === 'paused') {
      button('danger', 'Stop', () =>
        change(
          'stop',
          'Stop tracking',
          'Tracking ends now and cannot be restarted. Collected snapshots stay.',
        ),
      );
    }
    if (FEATURES.exports) {
      for (const format of /** @type {const} */ (['csv', 'xlsx'])) {
        button('secondary', `Download ${format.toUpperCase()}`, async () => {
          const done = await api.download(
            '/exports/snapshots',
            { video_id: video.id, format },
            `${video.id}-snapshots.${format}`,
          );
          toast(done.ok ? `${format.toUpperCase()} downloaded.` : done.message);
        });
      }
    }
    if (FEATURES.shareLinks) {
      button('secondary', 'Share link', () => shareLink(context, extras, { video_id: video.id }));
    }
    // Rebuilding the buttons would drop the focus from the one that had it: it goes to its namesake.
    const focused = actions.contains(document.activeElement) ? document.activeElement?.textContent : null;
    replace(actions, buttons);
    if (focused) buttons.find((b) => b.textContent === focused)?.focus();
    if (FEATURES.tags && !extras.querySelector('.tags-editor'))
      extras.prepend(tagsEditor(context, video, load));
  }

  await load();
  live.reschedule();
  return () => {
    closed = true;
    live.stop();
    document.removeEventListener('visibilitychange', onVisible);
    view?.destroy();
  };
}

/**
 * What a change of status does to the money, said before it is confirmed: pausing and stopping release the
 * reservation of the slots still ahead, resuming reserves them again (at most: slots that passed while paused
 * are missed, not reserved); a paused video holds nothing, so stopping it moves nothing.
 * @param {any} video
 * @param {'pause' | 'resume' | 'stop'} action
 * @param {boolean} testMode
 */
export function moneyMoved(video, action, testMode) {
  if (testMode) return 'Test key: no money moves.';
  if (action === 'stop' && video.status === 'paused')
    return 'Nothing is reserved while paused: no money moves.';
  const slots = video.monitoring_duration_days * 24;
  const remaining = Math.max(0, slots - settledSlots(video));
  const price = video.estimated_cost / slots;
  const verb = action === 'resume' ? 'Reserves at most' : 'Releases about';
  return `${verb} ${money(remaining * price)} (${remaining} remaining snapshot${remaining === 1 ? '' : 's'} × ${money(price)}).`;
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
  let tableRows = TABLE_PAGE;
  const facts = h('dl', { class: 'facts' });
  if (video.snapshots_pruned_at) return renderPrunedDetail(container, facts, video, options);
  const chartSection = h('section', { 'aria-labelledby': 'chart-title' });
  const tableBox = h('div');
  const older = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show older slots');
  replace(
    container,
    facts,
    chartSection,
    h(
      'section',
      { 'aria-labelledby': 'table-title' },
      h('h2', { id: 'table-title' }, 'Snapshots'),
      tableBox,
      h('div', { class: 'actions center' }, older),
    ),
  );
  const chart = renderChartPanel(chartSection, video.snapshots);
  /** @type {ReturnType<typeof renderPrunedDetail> | undefined} */
  let pruned;

  function fillTable() {
    const settled = settledSlots(video);
    replace(tableBox, snapshotTable(video, tableRows));
    older.hidden = tableRows >= settled;
  }
  older.addEventListener('click', () => {
    tableRows += TABLE_PAGE;
    fillTable();
  });

  replace(facts, ...factsOf(video, options.readOnly ?? false));
  fillTable();
  return {
    /** The video read again (or the same one, to bring its relative times up to date). @param {any} next */
    update(next) {
      if (pruned) return pruned.update(next);
      if (next.snapshots_pruned_at) {
        // Pruned while the page was open: the chart and table go.
        chart.destroy();
        pruned = renderPrunedDetail(container, facts, next, options);
        return;
      }
      const changed =
        next.snapshots.length !== video.snapshots.length ||
        next.snapshots.at(-1)?.slot !== video.snapshots.at(-1)?.slot ||
        settledSlots(next) !== settledSlots(video);
      video = next;
      replace(facts, ...factsOf(video, options.readOnly ?? false));
      if (!changed) return;
      fillTable();
      chart.update(video.snapshots);
    },
    destroy() {
      if (!pruned) chart.destroy();
    },
  };
}

/**
 * A video whose snapshots the operator pruned (data retention): its facts and when they went, in place of an
 * empty chart and a table of slots that no longer exist. It has ended, so it never changes again.
 * @param {HTMLElement} container
 * @param {HTMLElement} facts
 * @param {any} initialVideo
 * @param {{readOnly?: boolean}} options
 */
function renderPrunedDetail(container, facts, initialVideo, options) {
  const show = (/** @type {any} */ video) => replace(facts, ...factsOf(video, options.readOnly ?? false));
  replace(
    container,
    facts,
    h(
      'p',
      { class: 'notice', 'data-snapshots-pruned': '' },
      `Snapshots pruned on ${dateTime(initialVideo.snapshots_pruned_at)}`,
    ),
  );
  show(initialVideo);
  return {
    /** @param {any} next */
    update(next) {
      show(next);
    },
    destroy() {},
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

/**
 * Every settled slot, newest first, up to `limit` rows: a collected snapshot, or a missed slot as a row of its
 * own (slots are settled in order, so a slot below the settled count without a snapshot was missed, also
 * after the newest snapshot).
 * @param {any} video
 * @param {number} limit
 */
function snapshotTable(video, limit) {
  /** @type {any[]} */
  const snapshots = video.snapshots;
  const settled = settledSlots(video);
  const metrics = METRICS.filter((metric) => snapshots.some((s) => s[metric] !== null));
  /** @type {{slot: number, snapshot?: any, previous?: any}[]} */
  const rows = [];
  let i = snapshots.length - 1;
  for (let slot = settled - 1; slot >= 0 && rows.length < limit; slot--) {
    while (i >= 0 && snapshots[i].slot > slot) i--;
    const snapshot = snapshots[i]?.slot === slot ? snapshots[i] : undefined;
    const previous = snapshot && snapshots[i - 1]?.slot === slot - 1 ? snapshots[i - 1] : undefined;
    rows.push({ slot, snapshot, previous });
  }
  const caption = h(
    'caption',
    null,
    settled > rows.length
      ? `The newest ${rows.length} slots of ${settled}, newest first; the CSV and XLSX downloads have every snapshot.`
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
