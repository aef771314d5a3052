import client from 'prom-client';

/** prom-client's global registry: every series of this process, and what a cluster worker hands its primary. */
export const metricsRegistry = client.register;

/** How a cluster primary merges one series over its workers (prom-client's aggregators). */
export type Aggregator = 'sum' | 'min' | 'max' | 'average' | 'first' | 'omit';

/** One sample as prom-client's registry formats it; `metricName` names a histogram's `_bucket`/`_sum`/`_count`. */
export interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** A series whose samples are read at scrape time from plain numbers the code keeps (no prom-client call per event). */
export interface PlainMetric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  aggregator: Aggregator;
  samples(): Sample[];
}

/**
 * Registers `metric` with the registry (prom-client's documented custom-collector shape: an
 * object with `get()`); the same name registered twice keeps the first (module reloads in tests).
 */
export function registerPlainMetric(metric: PlainMetric): void {
  if (metricsRegistry.getSingleMetric(metric.name)) return;
  const { name, help, type, aggregator } = metric;
  const entry = { name, help, type, aggregator, get: () => ({ name, help, type, aggregator, values: metric.samples() }) };
  metricsRegistry.registerMetric(entry as unknown as Parameters<typeof metricsRegistry.registerMetric>[0]);
}

let processMetrics = false;

/** prom-client's default process and Node.js series (`process_*`, `nodejs_*`), once per process. */
export function startProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  client.collectDefaultMetrics({ register: metricsRegistry });
}

/** Histogram buckets of request and store latencies, in seconds. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** A histogram kept as plain numbers: `observe` finds the bucket and adds, nothing else. */
export class PlainHistogram {
  /** Per bucket (not cumulative), the last one is `+Inf`. */
  readonly counts = new Float64Array(LATENCY_BUCKETS.length + 1);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }

  /** Its `_bucket` (cumulative), `_sum` and `_count` samples under `labels`. */
  samples(name: string, labels: Record<string, string | number>, out: Sample[]): void {
    let cumulative = 0;
    for (let i = 0; i < this.counts.length; i++) {
      cumulative += this.counts[i]!;
      const le = i < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[i]! : '+Inf';
      out.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
    }
    out.push({ metricName: `${name}_sum`, labels, value: this.sum });
    out.push({ metricName: `${name}_count`, labels, value: this.count });
  }
}
