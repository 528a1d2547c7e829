// @ts-check
// Campaigns: one page per tag. The tag's roll-up from the API (totals, growth over 24 hours and 7 days, videos
// by platform and status), a combined chart of its views over time, downloads, a share link, and its videos.
import { combinedSeries, drawChart } from '../chart.js';
import { h, replace, toast } from '../dom.js';
import { FEATURES } from '../features.js';
import {
  dateTime,
  fullCount,
  METRICS,
  money,
  PLATFORMS,
  platformName,
  relativeTime,
  STATUSES,
  statusLabel,
} from '../format.js';
import { shareLink } from './video.js';
import * as videosView from './videos.js';

/** The combined chart reads each video's snapshots: at most this many videos, a few requests at a time. */
const CHART_VIDEOS = 50;
const CHART_CONCURRENCY = 4;
const RATE_RESERVE = 15;

/**
 * @param {import('../app.js').ViewContext} context
 * @param {HTMLElement} main
 * @param {import('../app.js').Route} route
 */
export async function render(context, main, route) {
  if (!FEATURES.tags) {
    replace(main, h('h1', null, 'Campaigns'), h('p', null, 'This version of the service has no tags.'));
    return;
  }
  const tag = route.path[1];
  if (tag === undefined) return renderIndex(context, main);
  return renderCampaign(context, main, tag);
}

/** @param {import('../app.js').ViewContext} context @param {HTMLElement} main */
async function renderIndex(context, main) {
  replace(main, h('h1', null, 'Campaigns'), h('p', { class: 'loading' }, 'Loading…'));
  /** @type {{tag: string, videos: number}[]} */
  const tags = [];
  // Every tag, a page (up to 1,000) at a time.
  for (let more = true; more; ) {
    const last = tags.at(-1);
    const answer = await context.api.get(
      last ? `/tags?starting_after=${encodeURIComponent(last.tag)}` : '/tags',
    );
    if (!answer.ok) {
      replace(main, h('h1', null, 'Campaigns'), h('p', { class: 'error' }, answer.message));
      return;
    }
    tags.push(...answer.body.tags);
    more = answer.body.has_more === true && answer.body.tags.length > 0;
  }
  replace(
    main,
    h('h1', null, 'Campaigns'),
    h(
      'p',
      { class: 'muted' },
      'A campaign is every video carrying a tag. Give videos tags when you track them, or on a video’s page.',
    ),
    tags.length === 0
      ? h('p', null, 'No tags yet.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'campaigns' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, 'Tag'),
                h('th', { scope: 'col', class: 'num' }, 'Videos'),
              ),
            ),
            h(
              'tbody',
              null,
              tags.map((t) =>
                h(
                  'tr',
                  null,
                  h('td', null, h('a', { href: `#/campaigns/${encodeURIComponent(t.tag)}` }, t.tag)),
                  h('td', { class: 'num' }, fullCount(t.videos)),
                ),
              ),
            ),
          ),
        ),
  );
}

/**
 * @param {import('../app.js').ViewContext} context
 * @param {HTMLElement} main
 * @param {string} tag
 */
async function renderCampaign(context, main, tag) {
  const { api } = context;
  let closed = false;
  const summaryBox = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  const actions = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Actions' });
  const extras = h('div');
  const chartSummary = h('p', { class: 'chart-summary', id: 'campaign-chart-summary' }, 'Loading the chart…');
  const chartBox = h('div', { class: 'chart', role: 'img', 'aria-describedby': 'campaign-chart-summary' });
  const videosBox = h('section', { 'aria-labelledby': 'campaign-videos-title' });
  replace(
    main,
    h('p', null, h('a', { href: '#/campaigns' }, '← All campaigns')),
    h('h1', { class: 'campaign-title' }, `Campaign “${tag}”`),
    actions,
    extras,
    summaryBox,
    h(
      'section',
      { 'aria-labelledby': 'campaign-chart-title' },
      h('h2', { id: 'campaign-chart-title' }, 'Views over time'),
      chartSummary,
      chartBox,
    ),
    videosBox,
  );

  const download = (/** @type {'csv' | 'xlsx'} */ format) =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: async () => {
          const done = await api.download(
            '/exports/snapshots',
            { tag, format },
            `${tag}-snapshots.${format}`,
          );
          toast(done.ok ? `${format.toUpperCase()} downloaded.` : done.message);
        },
      },
      `Download ${format.toUpperCase()}`,
    );
  replace(
    actions,
    FEATURES.exports ? [download('csv'), download('xlsx')] : [],
    FEATURES.shareLinks
      ? h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => shareLink(context, extras, { tag }) },
          'Share link',
        )
      : null,
  );

  const answer = await api.get(`/tags/${encodeURIComponent(tag)}/summary`);
  if (closed) return;
  if (!answer.ok) {
    replace(summaryBox, h('p', { class: 'error' }, answer.message));
  } else {
    replace(summaryBox, ...summaryOf(answer.body, context.testMode));
  }

  const embedded = videosView.render(
    context,
    videosBox,
    { path: [], query: new URLSearchParams({ tag }) },
    { embedded: true },
  );
  /** @type {{destroy: () => void} | undefined} */
  let chart;
  void drawCombined().then((drawn) => {
    if (closed) drawn?.destroy();
    else chart = drawn;
  });

  async function drawCombined() {
    const listed = await api.get('/videos', { tag, limit: CHART_VIDEOS });
    if (!listed.ok || closed) {
      if (!listed.ok) chartSummary.textContent = listed.message;
      return undefined;
    }
    /** @type {any[]} */
    const videos = listed.body.videos;
    /** @type {any[][]} */
    const perVideo = [];
    let next = 0;
    let skipped = 0;
    const worker = async () => {
      while (next < videos.length && !closed) {
        const video = videos[next++];
        if (api.rateRemaining < RATE_RESERVE) {
          skipped++;
          continue;
        }
        const snapshots = await api.get(`/videos/${encodeURIComponent(video.id)}/snapshots`, { limit: 1000 });
        if (snapshots.ok) perVideo.push(snapshots.body.snapshots);
        else skipped++;
      }
    };
    await Promise.all(Array.from({ length: CHART_CONCURRENCY }, worker));
    if (closed) return undefined;
    const series = combinedSeries(perVideo, 'views');
    const values = series.y.filter((v) => v !== null);
    const covered = perVideo.length;
    chartSummary.textContent =
      values.length === 0
        ? 'No views recorded yet.'
        : `The sum of each video’s latest views at each moment, over ${covered} video${covered === 1 ? '' : 's'}` +
          (listed.body.has_more ? ` (the ${CHART_VIDEOS} newest of the campaign)` : '') +
          (skipped > 0 ? `; ${skipped} left out to stay within the key’s rate limit` : '') +
          `: from ${fullCount(values[0])} to ${fullCount(values.at(-1))}.`;
    if (values.length === 0) return undefined;
    const drawn = await drawChart(
      chartBox,
      { ...series, approximate: [], gaps: 0 },
      { label: 'views (sum)', scale: 'linear', mode: 'total', approximate: false },
    );
    main.dataset.campaignChart = String(series.x.length);
    return drawn;
  }

  return () => {
    closed = true;
    chart?.destroy();
    embedded();
  };
}

/** @param {any} s the tag summary @param {boolean} testMode */
function summaryOf(s, testMode) {
  const metrics = METRICS.filter((m) => s.totals[m] !== null);
  const cards = h(
    'div',
    { class: 'totals' },
    h('div', null, h('span', { class: 'muted' }, 'Videos'), h('strong', null, fullCount(s.videos))),
    metrics.map((m) =>
      h(
        'div',
        null,
        h('span', { class: 'muted' }, m.charAt(0).toUpperCase() + m.slice(1)),
        h('strong', null, fullCount(s.totals[m])),
        h(
          'span',
          { class: 'growth' },
          `24 h ${growthText(s.growth_24h[m])} · 7 d ${growthText(s.growth_7d[m])}`,
        ),
      ),
    ),
  );
  /** @param {string} title @param {readonly string[]} keys @param {Record<string, number>} counts @param {(k: string) => string} label */
  const breakdown = (title, keys, counts, label) =>
    h(
      'div',
      { class: 'breakdown' },
      h('h2', null, title),
      h(
        'table',
        null,
        h(
          'tbody',
          null,
          keys
            .filter((k) => (counts[k] ?? 0) > 0)
            .map((k) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, label(k)),
                h('td', { class: 'num' }, fullCount(counts[k] ?? 0)),
              ),
            ),
        ),
      ),
    );
  return [
    cards,
    h(
      'p',
      { class: 'muted' },
      `Newest snapshot ${s.newest_snapshot_at ? `${dateTime(s.newest_snapshot_at)} (${relativeTime(s.newest_snapshot_at)})` : '—'}`,
      testMode ? '' : ` · charged ${money(s.charged_usd)}`,
    ),
    h(
      'div',
      { class: 'breakdowns' },
      breakdown('By platform', PLATFORMS, s.by_platform, platformName),
      breakdown('By status', STATUSES, s.by_status, statusLabel),
    ),
  ];
}

/** @param {string | null} value */
function growthText(value) {
  if (value === null) return '—';
  return value.startsWith('-') ? `−${fullCount(value.slice(1))}` : `+${fullCount(value)}`;
}
