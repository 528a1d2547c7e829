// A minimal Prometheus registry: counters and gauges with labels, rendered in the text exposition format.

type Labels = Record<string, string>;

const renderLabels = (labels: Labels): string =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

// Label sets repeat (route × status), so their rendered form is remembered instead of rebuilt per request.
const renderedLabels = new Map<string, string>();
function labelKey(labels: Labels): string {
  const values = Object.values(labels);
  const lookup = `${Object.keys(labels).join('\u0001')}\u0002${values.join('\u0001')}`;
  let rendered = renderedLabels.get(lookup);
  if (rendered === undefined) {
    rendered = renderLabels(labels);
    if (renderedLabels.size < 10_000) renderedLabels.set(lookup, rendered);
  }
  return rendered;
}

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, number>;
}

/** Counts one of a two-label counter's label pairs. */
export type PairCounter = (first: string, second: string) => void;

export interface Metrics {
  increment(name: string, labels?: Labels, by?: number): void;
  /**
   * A counter with two labels for a hot path (route × status, platform × mode): each pair's rendered labels are
   * resolved once, not on every count.
   */
  pairCounter(name: string, labelNames: readonly [string, string]): PairCounter;
  set(name: string, value: number, labels?: Labels): void;
  render(): string;
  /** Registers a function that refreshes gauges just before each scrape. */
  onScrape(refresh: () => Promise<void>): void;
  scrape(): Promise<string>;
}

export function createMetrics(
  definitions: Record<string, { help: string; type: 'counter' | 'gauge' }>,
): Metrics {
  const families = new Map<string, Family>();
  for (const [name, def] of Object.entries(definitions)) families.set(name, { ...def, values: new Map() });
  const refreshers: Array<() => Promise<void>> = [];
  const family = (name: string): Family => {
    const found = families.get(name);
    if (!found) throw new Error(`unknown metric ${name}`);
    return found;
  };
  const metrics: Metrics = {
    increment(name, labels = {}, by = 1) {
      const values = family(name).values;
      const key = labelKey(labels);
      values.set(key, (values.get(key) ?? 0) + by);
    },
    pairCounter(name, [firstLabel, secondLabel]) {
      const values = family(name).values;
      const keys = new Map<string, Map<string, string>>();
      return (first, second) => {
        let bySecond = keys.get(first);
        if (!bySecond) {
          bySecond = new Map();
          keys.set(first, bySecond);
        }
        let key = bySecond.get(second);
        if (key === undefined) {
          key = labelKey({ [firstLabel]: first, [secondLabel]: second });
          bySecond.set(second, key);
        }
        values.set(key, (values.get(key) ?? 0) + 1);
      };
    },
    set(name, value, labels = {}) {
      family(name).values.set(labelKey(labels), value);
    },
    render() {
      const lines: string[] = [];
      for (const [name, f] of families) {
        lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
        for (const [key, value] of f.values)
          lines.push(key ? `${name}{${key}} ${value}` : `${name} ${value}`);
      }
      return `${lines.join('\n')}\n`;
    },
    onScrape(refresh) {
      refreshers.push(refresh);
    },
    async scrape() {
      for (const refresh of refreshers) await refresh().catch(() => undefined);
      return metrics.render();
    },
  };
  return metrics;
}

export const SERVICE_METRICS = {
  contentstats_http_requests_total: { help: 'HTTP requests answered, by route and status', type: 'counter' },
  contentstats_http_connections_timed_out_total: {
    help: 'Client connections closed for sending a request too slowly (headers or request timeout)',
    type: 'counter',
  },
  contentstats_videos_tracked_total: {
    help: 'Videos whose tracking started, by platform and mode',
    type: 'counter',
  },
  contentstats_snapshots_recorded_total: { help: 'Snapshots stored, by platform and mode', type: 'counter' },
  contentstats_snapshots_missed_total: { help: 'Slots recorded as missed, by platform', type: 'counter' },
  contentstats_collect_failures_total: { help: 'Failed collections, by platform and kind', type: 'counter' },
  contentstats_record_failures_total: {
    help: 'Collected results whose recording failed, by stage (a whole batch, or one result recorded alone)',
    type: 'counter',
  },
  contentstats_videos_monitoring: { help: 'Videos being monitored now', type: 'gauge' },
  contentstats_outbox_pending: { help: 'Notifications waiting to be sent', type: 'gauge' },
  contentstats_source_attempts: {
    help: 'Reads of each platform source over the window (1h, 24h), all processes together',
    type: 'gauge',
  },
  contentstats_source_outcome_ratio: {
    help: "Share (0-1) of a source's reads over the window that came to each outcome (success or a failure kind)",
    type: 'gauge',
  },
  contentstats_source_working_ratio: {
    help: "Share (0-1) of a source's reads over the window that worked (counts, or a definite private/not found)",
    type: 'gauge',
  },
  contentstats_source_last_success_timestamp_seconds: {
    help: 'When a source last gave counts (unix seconds)',
    type: 'gauge',
  },
} as const;
