// @ts-check
// The page a share link opens (/s/<token>) is served as plain HTML that reads without script: its tables. This
// adds the dashboard's read-only chart to it from the link's own data (/s/<token>.json, no key): a video's chart
// with its controls, or a campaign's views over time (the sum of each video's latest views).

import { combinedSeries, drawChart } from './chart.js';
import { renderChartPanel } from './chart-panel.js';
import { h } from './dom.js';
import { fullCount } from './format.js';

/** @param {HTMLElement} section @param {any[][]} perVideo */
async function campaignChart(section, perVideo) {
  const series = combinedSeries(perVideo, 'views');
  const values = series.y.filter((v) => v !== null);
  const summary = h(
    'p',
    { class: 'chart-summary', id: 'chart-summary' },
    values.length === 0
      ? 'No views recorded yet.'
      : `The sum of each video’s latest views at each moment, over ${perVideo.length} video${perVideo.length === 1 ? '' : 's'}: from ${fullCount(values[0])} to ${fullCount(values.at(-1))}.`,
  );
  const box = h('div', { class: 'chart', role: 'img', 'aria-describedby': 'chart-summary' });
  section.append(h('h2', null, 'Views over time'), summary, box);
  if (values.length === 0) return;
  await drawChart(
    box,
    { ...series, approximate: [], gaps: 0 },
    { label: 'views (sum)', scale: 'linear', mode: 'total', approximate: false },
  );
  section.dataset.chartPoints = String(series.x.length);
}

async function enhance() {
  const path = location.pathname.replace(/\/+$/, '');
  const response = await fetch(`${path}.json`, { credentials: 'omit', cache: 'no-store' }).catch(() => null);
  if (!response?.ok) return;
  /** @type {any[]} */
  const rows = await response.json();
  /** @type {Map<string, any[]>} */
  const byVideo = new Map();
  for (const row of rows) {
    const list = byVideo.get(row.video_id);
    if (list) list.push(row);
    else byVideo.set(row.video_id, [row]);
  }
  const section = h('section', { class: 'share-chart', 'aria-label': 'Chart' });
  const anchor = document.querySelector('p.meta') ?? document.querySelector('h1');
  if (!anchor) return;
  anchor.after(section);
  const only = byVideo.size === 1 ? [...byVideo.values()][0] : undefined;
  if (only) renderChartPanel(section, only);
  else await campaignChart(section, [...byVideo.values()]);
}

void enhance();
