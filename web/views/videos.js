// @ts-check
// The videos: filters (platform, status, tag, link), a table of one page at a time with "Show more" (cursor
// paging: each page is one request however many videos there are), latest counts, a sparkline of views and
// the time of the newest snapshot. Sparklines are fetched only for rows on screen, a few at a time, and stop
// when the key's rate-limit window runs low.
import { h, replace } from '../dom.js';
import { FEATURES } from '../features.js';
import {
  compactCount,
  dateTime,
  fullCount,
  PLATFORMS,
  platformName,
  relativeTime,
  STATUSES,
  statusLabel,
} from '../format.js';
import { sparkline } from '../sparkline.js';

const PAGE_SIZE = 100;
/** Sparkline requests in flight at once, and the requests always left in the key's window for the rest. */
const SPARKLINE_CONCURRENCY = 4;
const RATE_RESERVE = 15;
const SPARKLINE_WINDOW_MS = 48 * 3600 * 1000;

/** Drawn sparklines by video id, kept while the newest snapshot is the same. @type {Map<string, {newest: string | null, svg: SVGSVGElement}>} */
const sparklineCache = new Map();

/**
 * @param {import('../app.js').ViewContext} context
 * @param {HTMLElement} main
 * @param {import('../app.js').Route} route
 * @param {{embedded?: boolean}} [options] embedded: a campaign's videos, under an h2 and without filters
 */
export function render(context, main, route, options = {}) {
  const { api } = context;
  const filters = {
    platform: route.query.get('platform') ?? '',
    status: route.query.get('status') ?? '',
    tag: FEATURES.tags ? (route.query.get('tag') ?? '') : '',
    video_link: route.query.get('link') ?? '',
  };

  const select = (
    /** @type {string} */ name,
    /** @type {readonly string[]} */ values,
    /** @type {(v: string) => string} */ label,
    /** @type {string} */ current,
  ) =>
    h(
      'select',
      { name, id: `filter-${name}` },
      h('option', { value: '' }, 'All'),
      values.map((value) => h('option', { value, selected: value === current }, label(value))),
    );
  const platformSelect = select('platform', PLATFORMS, platformName, filters.platform);
  const statusSelect = select('status', STATUSES, statusLabel, filters.status);
  const tagInput = FEATURES.tags
    ? h('input', {
        name: 'tag',
        id: 'filter-tag',
        value: filters.tag,
        autocomplete: 'off',
      })
    : null;
  const linkInput = h('input', {
    name: 'link',
    id: 'filter-link',
    type: 'search',
    value: filters.video_link,
    placeholder: 'https://…',
    autocomplete: 'off',
  });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter videos' },
    h('div', { class: 'field' }, h('label', { for: 'filter-platform' }, 'Platform'), platformSelect),
    h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), statusSelect),
    tagInput ? h('div', { class: 'field' }, h('label', { for: 'filter-tag' }, 'Tag'), tagInput) : null,
    h('div', { class: 'field grow' }, h('label', { for: 'filter-link' }, 'Link'), linkInput),
    h('button', { type: 'submit', class: 'secondary' }, 'Apply'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (platformSelect.value) params.set('platform', platformSelect.value);
    if (statusSelect.value) params.set('status', statusSelect.value);
    if (tagInput?.value.trim()) params.set('tag', tagInput.value.trim());
    if (linkInput.value.trim()) params.set('link', linkInput.value.trim());
    const query = params.toString();
    context.navigate(`#/videos${query ? `?${query}` : ''}`);
  });

  const status = h('p', { class: 'muted', role: 'status', id: 'list-status' }, 'Loading…');
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'videos', 'aria-describedby': 'list-status' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Video'),
        h('th', { scope: 'col' }, 'Platform'),
        h('th', { scope: 'col' }, 'Status'),
        FEATURES.tags ? h('th', { scope: 'col' }, 'Tags') : null,
        h('th', { scope: 'col', class: 'num' }, 'Views'),
        h('th', { scope: 'col', class: 'num' }, 'Likes'),
        h('th', { scope: 'col' }, 'Views trend'),
        h('th', { scope: 'col' }, 'Newest snapshot'),
      ),
    ),
    body,
  );
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show more');
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  replace(
    main,
    h(
      'div',
      { class: 'page-head' },
      options.embedded ? h('h2', { id: 'campaign-videos-title' }, 'Videos') : h('h1', null, 'Videos'),
      h(
        'div',
        { class: 'actions' },
        refresh,
        options.embedded ? null : h('a', { class: 'button primary', href: '#/track' }, 'Track videos'),
      ),
    ),
    options.embedded ? null : form,
    status,
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'actions center' }, more),
  );

  let closed = false;
  /** @type {string | undefined} */
  let cursor;
  let shown = 0;
  /** @type {{id: string, newest: string | null, cell: HTMLElement}[]} */
  const sparkQueue = [];
  let sparkRunning = 0;

  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        const cell = /** @type {HTMLElement} */ (entry.target);
        sparkQueue.push({ id: cell.dataset.id ?? '', newest: cell.dataset.newest || null, cell });
      }
      pumpSparklines();
    },
    { rootMargin: '200px' },
  );

  function pumpSparklines() {
    while (!closed && sparkRunning < SPARKLINE_CONCURRENCY && sparkQueue.length > 0) {
      if (api.rateRemaining < RATE_RESERVE) return;
      const job = /** @type {(typeof sparkQueue)[number]} */ (sparkQueue.shift());
      sparkRunning += 1;
      void loadSparkline(job).finally(() => {
        sparkRunning -= 1;
        pumpSparklines();
      });
    }
  }

  /** @param {{id: string, newest: string | null, cell: HTMLElement}} job */
  async function loadSparkline({ id, newest, cell }) {
    const cached = sparklineCache.get(id);
    if (cached && cached.newest === newest) {
      replace(cell, cached.svg.cloneNode(true));
      return;
    }
    if (!newest) return;
    const since = new Date(Date.parse(newest) - SPARKLINE_WINDOW_MS).toISOString();
    const answer = await api.get(`/videos/${encodeURIComponent(id)}/snapshots`, {
      since,
      limit: 200,
      include_missed: 'true',
    });
    if (!answer.ok || closed) return;
    /** @type {any[]} */
    const snapshots = answer.body.snapshots;
    const values = snapshots.map((s) => (s.missed || s.views === null ? null : Number(s.views)));
    const first = snapshots.find((s) => !s.missed && s.views !== null);
    const last = snapshots.findLast((s) => !s.missed && s.views !== null);
    const label = first
      ? `Views from ${fullCount(first.views)} to ${fullCount(last.views)} over ${snapshots.length} snapshots`
      : 'No views recorded yet';
    const svg = sparkline(values, label);
    sparklineCache.set(id, { newest, svg });
    replace(cell, svg.cloneNode(true));
  }

  /** @param {any} video */
  function row(video) {
    const title = video.current_metadata?.title || video.video_link;
    const latest = video.latest;
    const sparkCell = h('td', {
      class: 'spark',
      'data-id': video.id,
      'data-newest': latest?.snapshot_time ?? '',
    });
    const tr = h(
      'tr',
      null,
      h(
        'td',
        { class: 'title-cell' },
        h('a', { href: `#/videos/${encodeURIComponent(video.id)}`, class: 'video-title' }, title),
        video.current_metadata?.creator
          ? h('span', { class: 'muted creator' }, video.current_metadata.creator)
          : null,
      ),
      h('td', { 'data-label': 'Platform' }, platformName(video.platform)),
      h(
        'td',
        { 'data-label': 'Status' },
        h('span', { class: `badge status-${video.status}` }, statusLabel(video.status)),
      ),
      FEATURES.tags
        ? h(
            'td',
            { 'data-label': 'Tags' },
            (video.tags ?? []).map((/** @type {string} */ tag) =>
              h('a', { class: 'tag', href: `#/campaigns/${encodeURIComponent(tag)}` }, tag),
            ),
          )
        : null,
      h(
        'td',
        { class: 'num', 'data-label': 'Views', title: fullCount(latest?.views) },
        approx(compactCount(latest?.views), latest),
      ),
      h(
        'td',
        { class: 'num', 'data-label': 'Likes', title: fullCount(latest?.likes) },
        approx(compactCount(latest?.likes), latest),
      ),
      sparkCell,
      h(
        'td',
        { 'data-label': 'Newest snapshot' },
        latest
          ? h(
              'time',
              { dateTime: latest.snapshot_time, title: dateTime(latest.snapshot_time) },
              relativeTime(latest.snapshot_time),
            )
          : '—',
      ),
    );
    return { tr, sparkCell };
  }

  async function loadPage() {
    more.disabled = true;
    const answer = await api.get('/videos', {
      limit: PAGE_SIZE,
      platform: filters.platform,
      status: filters.status,
      tag: filters.tag,
      video_link: filters.video_link,
      starting_after: cursor,
    });
    if (closed) return;
    more.disabled = false;
    if (!answer.ok) {
      status.textContent = answer.message;
      status.className = 'error';
      return;
    }
    /** @type {any[]} */
    const videos = answer.body.videos;
    const fragment = document.createDocumentFragment();
    const cells = [];
    for (const video of videos) {
      const { tr, sparkCell } = row(video);
      fragment.append(tr);
      cells.push(sparkCell);
    }
    body.append(fragment);
    for (const cell of cells) observer.observe(cell);
    shown += videos.length;
    cursor = videos.at(-1)?.id;
    more.hidden = !answer.body.has_more;
    status.className = 'muted';
    status.textContent =
      shown === 0
        ? 'No videos match. Track one to get started.'
        : `${shown} video${shown === 1 ? '' : 's'}${answer.body.has_more ? ' shown, more below' : ''}`;
    main.dataset.rows = String(shown);
  }

  more.addEventListener('click', () => void loadPage());
  refresh.addEventListener('click', () => {
    body.replaceChildren();
    cursor = undefined;
    shown = 0;
    sparkQueue.length = 0;
    void loadPage();
  });
  void loadPage();

  return () => {
    closed = true;
    observer.disconnect();
  };
}

/**
 * A value with the "approximate" mark when the snapshot says the platform gave a rounded count.
 * @param {string} text
 * @param {any} snapshot
 */
export function approx(text, snapshot) {
  if (!snapshot?.approximate) return text;
  return h('span', { class: 'approx', title: 'Approximate: the platform shows a rounded count' }, `≈${text}`);
}
