// @ts-check
// Time-series charts with uPlot (loaded only when a chart is first shown). The data rules: a slot that was not
// collected is a gap (null), never a zero; a count the platform does not show is null; growth is drawn only
// between two consecutive collected slots (across a gap it is not a per-interval figure); on a log scale a value
// of zero or less cannot be drawn and is left out; approximate readings are marked with their own points.

/**
 * @typedef {{slot: number, snapshot_time: string, approximate?: boolean, missed?: boolean} & Record<string, any>} Snapshot
 * @typedef {'total' | 'growth'} ChartMode
 * @typedef {'linear' | 'log'} ChartScale
 * @typedef {{x: number[], y: (number | null)[], approximate: (number | null)[], gaps: number}} ChartSeries
 */

/**
 * @param {Snapshot[]} snapshots collected snapshots, oldest first (missing slot numbers are missed slots)
 * @param {string} metric
 * @param {ChartMode} mode
 * @param {ChartScale} scale
 * @returns {ChartSeries}
 */
export function buildSeries(snapshots, metric, mode, scale) {
  /** @type {number[]} */
  const x = [];
  /** @type {(number | null)[]} */
  const y = [];
  /** @type {(number | null)[]} */
  const approximate = [];
  let gaps = 0;
  /** @type {Snapshot | undefined} */
  let previous;
  for (const snapshot of snapshots) {
    if (snapshot.missed) continue;
    const time = Date.parse(snapshot.snapshot_time) / 1000;
    if (previous && snapshot.slot > previous.slot + 1) {
      // One null between the two readings breaks the line where the missed slots were.
      const before = Date.parse(previous.snapshot_time) / 1000;
      x.push((before + time) / 2);
      y.push(null);
      approximate.push(null);
      gaps += snapshot.slot - previous.slot - 1;
    }
    /** @type {number | null} */
    let value = snapshot[metric] === null || snapshot[metric] === undefined ? null : Number(snapshot[metric]);
    if (mode === 'growth') {
      const consecutive = previous !== undefined && snapshot.slot === previous.slot + 1;
      const before = previous?.[metric];
      value =
        value === null || !consecutive || before === null || before === undefined
          ? null
          : value - Number(before);
    }
    if (scale === 'log' && value !== null && value <= 0) value = null;
    x.push(time);
    y.push(value);
    approximate.push(snapshot.approximate ? value : null);
    previous = snapshot;
  }
  return { x, y, approximate, gaps };
}

const COMBINED_MAX_POINTS = 1000;

/**
 * A campaign's metric over time: at each moment, the sum of each video's latest collected value at or before
 * it (the same definition as the roll-up's totals); a video adds nothing before its first snapshot.
 * @param {Snapshot[][]} perVideo each video's snapshots, oldest first
 * @param {string} metric
 * @returns {{x: number[], y: (number | null)[]}}
 */
export function combinedSeries(perVideo, metric) {
  const readings = perVideo.map((snapshots) =>
    snapshots
      .filter((s) => !s.missed && s[metric] !== null && s[metric] !== undefined)
      .map((s) => ({ t: Date.parse(s.snapshot_time) / 1000, v: Number(s[metric]) })),
  );
  let times = [...new Set(readings.flatMap((r) => r.map((p) => p.t)))].sort((a, b) => a - b);
  const first = times[0];
  const last = times.at(-1);
  if (first !== undefined && last !== undefined && times.length > COMBINED_MAX_POINTS) {
    const step = (last - first) / (COMBINED_MAX_POINTS - 1);
    times = Array.from({ length: COMBINED_MAX_POINTS }, (_, i) =>
      i === COMBINED_MAX_POINTS - 1 ? last : first + i * step,
    );
  }
  const next = readings.map(() => 0);
  /** @type {(number | null)[]} */
  const current = readings.map(() => null);
  const y = times.map((time) => {
    let sum = 0;
    let any = false;
    readings.forEach((r, i) => {
      let at = next[i] ?? 0;
      while (at < r.length && (r[at]?.t ?? Infinity) <= time) {
        current[i] = r[at]?.v ?? null;
        at++;
      }
      next[i] = at;
      const value = current[i];
      if (value !== null && value !== undefined) {
        sum += value;
        any = true;
      }
    });
    return any ? sum : null;
  });
  return { x: times, y };
}

/** @type {Promise<any> | undefined} */
let uPlotModule;
function loadUPlot() {
  if (!uPlotModule) {
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('./vendor/uPlot.min.css', import.meta.url).href;
    document.head.append(style);
    // @ts-expect-error: served from node_modules/uplot beside this file (see src/api/dashboard/assets.ts), untyped here.
    uPlotModule = import('./vendor/uPlot.esm.js').then((module) => module.default);
  }
  return uPlotModule;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const full = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Draws (or redraws) a chart in `container`, sized to it.
 * @param {HTMLElement} container
 * @param {ChartSeries} series
 * @param {{label: string, scale: ChartScale, mode: ChartMode, approximate?: boolean}} options (approximate: false
 *   leaves out the series of approximate points, for data that has none)
 * @returns {Promise<{setData: (series: ChartSeries) => void, destroy: () => void}>} setData draws new data
 *   in the same chart (a zoom the person made is kept)
 */
export async function drawChart(container, series, options) {
  const uPlot = await loadUPlot();
  const columns = (/** @type {ChartSeries} */ data) =>
    options.approximate === false ? [data.x, data.y] : [data.x, data.y, data.approximate];
  container.replaceChildren();
  const width = Math.max(280, container.clientWidth || 600);
  const bars =
    options.mode === 'growth' && series.x.length <= 400 ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined;
  const plot = new uPlot(
    {
      width,
      height: width < 500 ? 220 : 320,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      scales: {
        x: { time: true },
        y: options.scale === 'log' ? { distr: 3, log: 10 } : { distr: 1 },
      },
      axes: [
        {},
        {
          size: 60,
          values: (/** @type {unknown} */ _u, /** @type {number[]} */ ticks) =>
            ticks.map((tick) => (tick === null ? '' : compact.format(tick))),
        },
      ],
      series: [
        { label: 'Time' },
        {
          label: options.label,
          stroke: '#1d4ed8',
          fill: options.mode === 'growth' ? 'rgba(29, 78, 216, 0.35)' : undefined,
          width: 2,
          spanGaps: false,
          points: { show: series.x.length <= 60 },
          value: (/** @type {unknown} */ _u, /** @type {number | null} */ v) =>
            v === null ? '—' : full.format(v),
          ...(bars ? { paths: bars } : {}),
        },
        ...(options.approximate === false
          ? []
          : [
              {
                label: 'Approximate',
                stroke: '#b45309',
                fill: '#b45309',
                width: 0,
                paths: () => null,
                points: { show: true, size: 8, stroke: '#b45309', fill: '#fbbf24' },
                value: (/** @type {unknown} */ _u, /** @type {number | null} */ v) =>
                  v === null ? '—' : `≈${full.format(v)}`,
              },
            ]),
      ],
    },
    columns(series),
    container,
  );
  const resize = new ResizeObserver(() => {
    const next = Math.max(280, container.clientWidth);
    if (Math.abs(next - plot.width) > 4) plot.setSize({ width: next, height: next < 500 ? 220 : 320 });
  });
  resize.observe(container);
  return {
    setData(next) {
      const shown = plot.data[0];
      const zoomed =
        shown.length > 1 && (plot.scales.x.min > shown[0] || plot.scales.x.max < shown[shown.length - 1]);
      plot.setData(columns(next), !zoomed);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
