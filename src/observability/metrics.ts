// A minimal Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition
// format; the process's own metrics (process-metrics.ts) are appended to each scrape.

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

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  help: string;
  type: MetricType;
  /** Histograms only: the upper bounds of the buckets, ascending (+Inf is added). */
  buckets?: readonly number[];
}

interface HistogramValue {
  /** Observations ≤ each bucket's bound (not cumulative until rendered). */
  counts: number[];
  sum: number;
  count: number;
}

interface Family {
  help: string;
  type: MetricType;
  values: Map<string, number>;
  buckets: readonly number[];
  histograms: Map<string, HistogramValue>;
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
  /** Adds one observation to a histogram. */
  observe(name: string, value: number, labels?: Labels): void;
  /** Forgets every value of a metric (a gauge this process stops reporting). */
  reset(name: string): void;
  render(): string;
  /** Registers a function that refreshes gauges just before each scrape. */
  onScrape(refresh: () => Promise<void>): void;
  scrape(): Promise<string>;
}

export function createMetrics(
  definitions: Record<string, MetricDefinition>,
  appendix: () => string = () => '',
): Metrics {
  const families = new Map<string, Family>();
  for (const [name, def] of Object.entries(definitions)) {
    if (def.type === 'histogram' && !def.buckets?.length) throw new Error(`histogram ${name} needs buckets`);
    families.set(name, {
      help: def.help,
      type: def.type,
      values: new Map(),
      buckets: def.buckets ?? [],
      histograms: new Map(),
    });
  }
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
    observe(name, value, labels = {}) {
      const f = family(name);
      const key = labelKey(labels);
      let histogram = f.histograms.get(key);
      if (!histogram) {
        histogram = { counts: f.buckets.map(() => 0), sum: 0, count: 0 };
        f.histograms.set(key, histogram);
      }
      const bucket = f.buckets.findIndex((bound) => value <= bound);
      if (bucket !== -1) histogram.counts[bucket]!++;
      histogram.sum += value;
      histogram.count++;
    },
    reset(name) {
      family(name).values.clear();
      family(name).histograms.clear();
    },
    render() {
      const lines: string[] = [];
      for (const [name, f] of families) {
        lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
        for (const [key, value] of f.values)
          lines.push(key ? `${name}{${key}} ${value}` : `${name} ${value}`);
        for (const [key, histogram] of f.histograms) {
          const labels = key ? `${key},` : '';
          let cumulative = 0;
          f.buckets.forEach((bound, i) => {
            cumulative += histogram.counts[i]!;
            lines.push(`${name}_bucket{${labels}le="${bound}"} ${cumulative}`);
          });
          lines.push(`${name}_bucket{${labels}le="+Inf"} ${histogram.count}`);
          const suffix = key ? `{${key}}` : '';
          lines.push(`${name}_sum${suffix} ${histogram.sum}`, `${name}_count${suffix} ${histogram.count}`);
        }
      }
      return `${lines.join('\n')}\n${appendix()}`;
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
  contentstats_slots_held_back_total: {
    help: 'Due slots held back by an open circuit breaker, by platform',
    type: 'counter',
  },
  contentstats_slot_lateness_seconds: {
    help: 'How long after its due time a slot was recorded, by platform',
    type: 'histogram',
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 1800, 3600],
  },
  contentstats_collection_duration_seconds: {
    help: "Time of one collection batch at a platform, by platform and the provider that answered ('none': failed)",
    type: 'histogram',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  },
  contentstats_circuit_breaker_state: {
    help: "This process's circuit breaker per platform: 0 closed, 1 half-open (probing), 2 open (holding back)",
    type: 'gauge',
  },
  contentstats_build_info: {
    help: 'The running version (value 1), by version and Node.js version',
    type: 'gauge',
  },
  // Read from the database by one process of the fleet only (the fleet reporter, see compose.ts).
  contentstats_videos_monitoring: {
    help: 'Videos being monitored now (reported by one process of the fleet)',
    type: 'gauge',
  },
  contentstats_outbox_pending: {
    help: 'Notification emails waiting to be sent (reported by one process of the fleet)',
    type: 'gauge',
  },
  contentstats_outbox_backlog: {
    help: 'Outbox messages not yet sent nor given up, by kind (reported by one process of the fleet)',
    type: 'gauge',
  },
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
} as const satisfies Record<string, MetricDefinition>;
