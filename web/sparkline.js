// @ts-check
// A sparkline of views as a small SVG: one polyline per run of collected snapshots, so a missed slot is a break
// in the line, never a drop to zero. Drawn by hand (no chart library on the list's first load).

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 120;
const HEIGHT = 28;

/**
 * @param {(number | null)[]} values oldest first; null = missed
 * @param {string} label what a screen reader says instead of the picture
 * @returns {SVGSVGElement}
 */
export function sparkline(values, label) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('width', String(WIDTH));
  svg.setAttribute('height', String(HEIGHT));
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const present = values.filter((v) => v !== null);
  if (present.length === 0) return svg;
  let low = Math.min(...present);
  let high = Math.max(...present);
  if (high === low) {
    high += 1;
    low -= 1;
  }
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  /** @type {string[][]} */
  const runs = [[]];
  values.forEach((value, i) => {
    if (value === null) {
      if (runs.at(-1)?.length) runs.push([]);
      return;
    }
    const x = values.length > 1 ? i * step : WIDTH / 2;
    const y = HEIGHT - 2 - ((value - low) / (high - low)) * (HEIGHT - 4);
    runs.at(-1)?.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  for (const run of runs) {
    if (run.length === 0) continue;
    if (run.length === 1) {
      const [x, y] = run[0]?.split(',') ?? ['0', '0'];
      const dot = document.createElementNS(SVG, 'circle');
      dot.setAttribute('cx', x ?? '0');
      dot.setAttribute('cy', y ?? '0');
      dot.setAttribute('r', '1.5');
      svg.append(dot);
      continue;
    }
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', run.join(' '));
    svg.append(line);
  }
  return svg;
}
