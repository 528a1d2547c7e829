// @ts-check
// The videos: filters (platform, status, tag, link), a table of one page at a time with "Show more" (cursor
// paging: each page is one request however many videos there are), latest counts, a sparkline of views and
// the time of the newest snapshot. Sparklines are fetched only for rows on screen, a few at a time, and stop
// when the key's rate-limit window runs low.
//
// The list refreshes itself while it is open and the tab is visible: soon after the earliest next snapshot of
// the videos shown (every 5 to 30 seconds), it reads again the pages it shows, from the first, and updates
// the table row by row and cell by cell: new videos appear at the top, a cell whose value is unchanged is
// left alone, so the filters, the rows loaded, the scroll position and the focus stay where they were.
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
import { repeatWhileVisible, waitFor } from '../live.js';
import { sparkline } from '../sparkline.js';

const PAGE_SIZE = 100;
/** Sparkline requests in flight at once, and the requests always left in the key's window for the rest. */
const SPARKLINE_CONCURRENCY = 4;
const RATE_RESERVE = 15;
const SPARKLINE_WINDOW_MS = 48 * 3600 * 1000;
/** The list refreshes itself at most this often, and at least this often while it is visible. */
const REFRESH_MIN_MS = 5_000;
const REFRESH_MAX_MS = 30_000;
/** Each refresh reads every page shown again: with more rows than this, only the Refresh button does. */
export const AUTO_REFRESH_MAX_ROWS = 300;

/** Drawn sparklines by video id, kept while the newest snapshot is the same. @type {Map<string, {newest: string | null, svg: SVGSVGElement}>} */
const sparklineCache = new Map();

/**
 * A row of the table: its cells, each with what it shows, so a refresh replaces only the cells that changed.
 * @typedef {{tr: HTMLTableRowElement, keys: string[], video: any}} Row
 * @typedef {{key: string, build: () => HTMLTableCellElement}} Cell
 */

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
  const refreshButton = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  // Not a live region: a refresh every few seconds is not announced.
  const updated = h('span', { class: 'muted list-updated' });
  replace(
    main,
    h(
      'div',
      { class: 'page-head' },
      options.embedded ? h('h2', { id: 'campaign-videos-title' }, 'Videos') : h('h1', null, 'Videos'),
      h(
        'div',
        { class: 'actions' },
        updated,
        refreshButton,
        options.embedded ? null : h('a', { class: 'button primary', href: '#/track' }, 'Track videos'),
      ),
    ),
    options.embedded ? null : form,
    status,
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'actions center' }, more),
  );

  let closed = false;
  /** The rows shown, by video id, in the table's order. @type {Map<string, Row>} */
  const rows = new Map();
  /** @type {string | undefined} */
  let cursor;
  let hasMore = false;
  /** Loading a page and refreshing take turns. */
  let busy = Promise.resolve();
  /** @param {() => Promise<void>} job */
  const serially = (job) => {
    busy = busy.then(job, job);
    return busy;
  };
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
      if (!job.cell.isConnected) continue;
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

  /** @param {any} video @returns {Cell[]} */
  function cellsOf(video) {
    const title = video.current_metadata?.title || video.video_link;
    const creator = video.current_metadata?.creator;
    const latest = video.latest;
    const newest = latest?.snapshot_time ?? '';
    const tags = FEATURES.tags ? (video.tags ?? []) : null;
    const count = (/** @type {'views' | 'likes'} */ metric, /** @type {string} */ label) => ({
      key: `${latest?.[metric]}|${latest?.approximate}`,
      build: () =>
        h(
          'td',
          { class: 'num', 'data-label': label, title: fullCount(latest?.[metric]) },
          approx(compactCount(latest?.[metric]), latest),
        ),
    });
    const since = latest ? relativeTime(latest.snapshot_time) : '—';
    /** @type {(Cell | null)[]} */
    const cells = [
      {
        key: `${video.id}|${title}|${creator}`,
        build: () =>
          h(
            'td',
            { class: 'title-cell' },
            h('a', { href: `#/videos/${encodeURIComponent(video.id)}`, class: 'video-title' }, title),
            creator ? h('span', { class: 'muted creator' }, creator) : null,
          ),
      },
      {
        key: video.platform,
        build: () => h('td', { 'data-label': 'Platform' }, platformName(video.platform)),
      },
      {
        key: video.status,
        build: () =>
          h(
            'td',
            { 'data-label': 'Status' },
            h('span', { class: `badge status-${video.status}` }, statusLabel(video.status)),
          ),
      },
      tags
        ? {
            key: JSON.stringify(tags),
            build: () =>
              h(
                'td',
                { 'data-label': 'Tags' },
                tags.map((/** @type {string} */ tag) =>
                  h('a', { class: 'tag', href: `#/campaigns/${encodeURIComponent(tag)}` }, tag),
                ),
              ),
          }
        : null,
      count('views', 'Views'),
      count('likes', 'Likes'),
      {
        key: newest,
        build: () => {
          // Until the new one is drawn, the one from before a refresh stays (no blank flash).
          const before = sparklineCache.get(video.id)?.svg.cloneNode(true);
          const cell = h('td', { class: 'spark', 'data-id': video.id, 'data-newest': newest }, before);
          observer.observe(cell);
          return cell;
        },
      },
      {
        key: `${newest}|${since}`,
        build: () =>
          h(
            'td',
            { 'data-label': 'Newest snapshot' },
            latest ? h('time', { dateTime: newest, title: dateTime(newest) }, since) : '—',
          ),
      },
    ];
    return /** @type {Cell[]} */ (cells.filter(Boolean));
  }

  /** @param {any} video @returns {Row} */
  function newRow(video) {
    const cells = cellsOf(video);
    const tr = h(
      'tr',
      { 'data-id': video.id },
      cells.map((cell) => cell.build()),
    );
    return { tr, keys: cells.map((cell) => cell.key), video };
  }

  /** Replaces the cells whose value changed; the others (and what has focus in them) stay. @param {Row} row @param {any} video */
  function updateRow(row, video) {
    row.video = video;
    cellsOf(video).forEach((cell, i) => {
      if (row.keys[i] === cell.key) return;
      const old = row.tr.cells[i];
      if (!old) return;
      if (old.classList.contains('spark')) observer.unobserve(old);
      const built = cell.build();
      // A link with the focus in a changed cell (a new title) hands it to the same link in the new one.
      const focused = old.contains(document.activeElement)
        ? document.activeElement?.getAttribute('href')
        : null;
      old.replaceWith(built);
      if (focused)
        /** @type {HTMLElement | null} */ (built.querySelector(`a[href="${CSS.escape(focused)}"]`))?.focus();
      row.keys[i] = cell.key;
    });
  }

  /** @param {string | undefined} after */
  function fetchPage(after) {
    return api.get('/videos', {
      limit: PAGE_SIZE,
      platform: filters.platform,
      status: filters.status,
      tag: filters.tag,
      video_link: filters.video_link,
      starting_after: after,
    });
  }

  /** @param {string} message */
  function showError(message) {
    status.textContent = message;
    status.className = 'error';
  }

  function showCount() {
    const shown = rows.size;
    more.hidden = !hasMore;
    const text =
      shown === 0
        ? 'No videos match. Track one to get started.'
        : `${shown} video${shown === 1 ? '' : 's'}${hasMore ? ' shown, more below' : ''}` +
          (shown > AUTO_REFRESH_MAX_ROWS
            ? `; with more than ${AUTO_REFRESH_MAX_ROWS} shown, press Refresh`
            : '');
    status.className = 'muted';
    // Set only when it changes: the status is read out by screen readers.
    if (status.textContent !== text) status.textContent = text;
    main.dataset.rows = String(shown);
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  /** The next page, after the last row shown. */
  function loadMore() {
    return serially(async () => {
      more.disabled = true;
      const answer = await fetchPage(cursor);
      if (closed) return;
      more.disabled = false;
      if (!answer.ok) return showError(answer.message);
      const fragment = document.createDocumentFragment();
      for (const video of answer.body.videos) {
        const shown = rows.get(video.id);
        if (shown) updateRow(shown, video);
        else {
          const row = newRow(video);
          rows.set(video.id, row);
          fragment.append(row.tr);
        }
      }
      body.append(fragment);
      cursor = answer.body.videos.at(-1)?.id ?? cursor;
      hasMore = answer.body.has_more;
      showCount();
      live.reschedule();
    });
  }

  /**
   * Reads again, from the first page, as many rows as are shown (up to the one shown last; the first page when
   * none is), and brings the table in line: new rows go where they belong, rows no longer listed (another status now) go, changed cells change.
   */
  function refresh() {
    return serially(async () => {
      const last = cursor;
      /** @type {any[]} */
      const fresh = [];
      let after;
      let moreAfter = false;
      const pages = Math.ceil(rows.size / PAGE_SIZE) + 1;
      for (let page = 0; page < pages; page++) {
        const answer = await fetchPage(after);
        if (closed) return;
        if (!answer.ok) return showError(answer.message);
        fresh.push(...answer.body.videos);
        moreAfter = answer.body.has_more;
        const at = fresh.findIndex((video) => video.id === last);
        if (at >= 0) {
          moreAfter = moreAfter || at < fresh.length - 1;
          fresh.length = at + 1;
          break;
        }
        if (!moreAfter) break;
        after = fresh.at(-1)?.id;
      }
      const listed = new Set(fresh.map((video) => video.id));
      for (const [id, row] of rows) {
        if (listed.has(id)) continue;
        const spark = row.tr.querySelector('.spark');
        if (spark) observer.unobserve(spark);
        row.tr.remove();
        rows.delete(id);
      }
      let next = body.firstElementChild;
      for (const video of fresh) {
        let row = rows.get(video.id);
        if (row) updateRow(row, video);
        else {
          row = newRow(video);
          rows.set(video.id, row);
        }
        if (row.tr === next) next = next.nextElementSibling;
        else body.insertBefore(row.tr, next);
      }
      cursor = fresh.at(-1)?.id;
      hasMore = moreAfter;
      showCount();
    });
  }

  /** Soon after the earliest next snapshot of the rows shown, within [5 s, 30 s]. */
  function nextRefreshIn() {
    let earliest = Number.POSITIVE_INFINITY;
    for (const { video } of rows.values()) {
      if (video.status !== 'monitoring' || !video.next_snapshot_at) continue;
      earliest = Math.min(earliest, Date.parse(video.next_snapshot_at));
    }
    return waitFor(Number.isFinite(earliest) ? earliest : null, REFRESH_MIN_MS, REFRESH_MAX_MS);
  }

  let asked = false;
  const live = repeatWhileVisible(async () => {
    const wanted = asked;
    asked = false;
    if (!wanted && (rows.size > AUTO_REFRESH_MAX_ROWS || api.rateRemaining < RATE_RESERVE)) return;
    await refresh();
  }, nextRefreshIn);

  more.addEventListener('click', () => void loadMore());
  refreshButton.addEventListener('click', () => {
    asked = true;
    live.runNow();
  });
  void loadMore();

  return () => {
    closed = true;
    live.stop();
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
