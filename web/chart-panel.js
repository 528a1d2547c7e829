// @ts-check
// A video's chart with its controls: the metric, a linear or log scale, totals or growth per interval, and a
// sentence saying what is drawn (for screen readers too, and for the gaps and approximate points). Used by the
// video page and by the page a share link opens.
import { buildSeries, drawChart } from './chart.js';
import { h, replace } from './dom.js';
import { fullCount, METRICS } from './format.js';

/**
 * @param {string} legend
 * @param {string} name
 * @param {[string, string][]} choices
 * @param {string} current
 * @param {(value: string) => void} onChange
 */
function radios(legend, name, choices, current, onChange) {
  return h(
    'fieldset',
    { class: 'segmented' },
    h('legend', null, legend),
    choices.map(([value, label]) =>
      h(
        'label',
        null,
        h('input', {
          type: 'radio',
          name,
          value,
          checked: value === current,
          onchange: () => onChange(value),
        }),
        h('span', null, label),
      ),
    ),
  );
}

/**
 * @param {HTMLElement} section where the heading, controls and chart go (its content is replaced)
 * @param {import('./chart.js').Snapshot[]} initialSnapshots collected snapshots, oldest first
 */
export function renderChartPanel(section, initialSnapshots) {
  let snapshots = initialSnapshots;
  const shown = METRICS.filter((metric) =>
    snapshots.some((s) => s[metric] !== null && s[metric] !== undefined),
  );
  // Before the first snapshot nothing says which counts the platform shows: every metric is offered.
  const available = shown.length > 0 ? shown : [...METRICS];
  const state = {
    metric: /** @type {string} */ (available[0] ?? 'views'),
    /** @type {import('./chart.js').ChartScale} */ scale: 'linear',
    /** @type {import('./chart.js').ChartMode} */ mode: 'total',
  };
  const summary = h('p', { class: 'chart-summary', id: 'chart-summary' });
  const chartBox = h('div', { class: 'chart', role: 'img', 'aria-describedby': 'chart-summary' });
  const controls = h(
    'div',
    { class: 'chart-controls' },
    radios(
      'Metric',
      'metric',
      available.map((m) => [m, m.charAt(0).toUpperCase() + m.slice(1)]),
      state.metric,
      (v) => {
        state.metric = v;
        void draw();
      },
    ),
    radios(
      'Scale',
      'scale',
      [
        ['linear', 'Linear'],
        ['log', 'Log'],
      ],
      state.scale,
      (v) => {
        state.scale = v === 'log' ? 'log' : 'linear';
        void draw();
      },
    ),
    radios(
      'Show',
      'mode',
      [
        ['total', 'Total'],
        ['growth', 'Growth per interval'],
      ],
      state.mode,
      (v) => {
        state.mode = v === 'growth' ? 'growth' : 'total';
        void draw();
      },
    ),
  );
  replace(section, h('h2', { id: 'chart-title' }, 'Over time'), controls, summary, chartBox);

  /** @type {{setData: (series: import('./chart.js').ChartSeries) => void, destroy: () => void} | undefined} */
  let chart;
  /** Charts asked for so far: a newer one replaces one still being made. */
  let drawing = 0;
  let pending = false;

  /** The sentence under the heading: what is drawn, its gaps and approximate points. */
  function describe(/** @type {import('./chart.js').ChartSeries} */ series) {
    const values = series.y.filter((v) => v !== null);
    summary.textContent =
      values.length === 0
        ? `No ${state.metric} to draw yet.`
        : `${label()}: ${values.length} snapshot${values.length === 1 ? '' : 's'}` +
          (state.mode === 'total' ? `, from ${fullCount(values[0])} to ${fullCount(values.at(-1))}` : '') +
          (series.gaps > 0
            ? `; ${series.gaps} missed slot${series.gaps === 1 ? '' : 's'} shown as gaps`
            : '') +
          (series.approximate.some((v) => v !== null) ? '; orange points are approximate' : '') +
          (state.scale === 'log' ? '; log scale' : '') +
          '.';
  }
  const label = () => `${state.metric}${state.mode === 'growth' ? ' growth per interval' : ''}`;
  const seriesNow = () => buildSeries(snapshots, state.metric, state.mode, state.scale);

  /** A new chart: the first, or for another metric, scale or mode. */
  async function draw() {
    const from = snapshots;
    const series = seriesNow();
    describe(series);
    const mine = ++drawing;
    pending = true;
    const next = await drawChart(chartBox, series, { label: label(), scale: state.scale, mode: state.mode });
    if (mine !== drawing) {
      next.destroy();
      return;
    }
    pending = false;
    chart?.destroy();
    chart = next;
    section.dataset.chartPoints = String(series.x.length);
    // Snapshots that came while it was being made.
    if (snapshots !== from) update(snapshots);
  }

  /** The same chart with new snapshots: the metric, scale, mode and a zoom stay. */
  function update(/** @type {import('./chart.js').Snapshot[]} */ next) {
    snapshots = next;
    if (pending || !chart) return;
    const series = seriesNow();
    describe(series);
    chart.setData(series);
    section.dataset.chartPoints = String(series.x.length);
  }

  void draw();
  return {
    /** @param {import('./chart.js').Snapshot[]} next */
    update,
    destroy() {
      drawing += 1;
      chart?.destroy();
    },
  };
}
