/**
 * A Prometheus histogram whose observation is a few array writes. prom-client's `Histogram`
 * validates and hashes the label set and finds the bucket through object keys on every `observe`
 * (about 0.5 µs; a scoring request makes four, ~4% of the server's CPU at 20k requests/s). This
 * one keeps each label set's bucket counts in a `Float64Array` (`series(...)` once, `observe` per
 * value) and joins a prom-client `Registry` as a collector: the registry reads its `get()` at
 * scrape time and writes the same exposition text a prom-client histogram would (tested).
 */
import type { Metric, Registry } from "prom-client";

type LabelSet = Record<string, string>;

interface ExposedValue {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

/** One label set's counts. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly labels: LabelSet,
    private readonly bounds: Float64Array,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** The series' lines as prom-client exposes a histogram: cumulative buckets, +Inf, sum, count. */
  exposed(name: string): ExposedValue[] {
    const values: ExposedValue[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i]!;
      values.push({ value: cumulative, labels: { le: this.bounds[i]!, ...this.labels }, metricName: `${name}_bucket` });
    }
    values.push({ value: this.count, labels: { le: "+Inf", ...this.labels }, metricName: `${name}_bucket` });
    values.push({ value: this.sum, labels: { ...this.labels }, metricName: `${name}_sum` });
    values.push({ value: this.count, labels: { ...this.labels }, metricName: `${name}_count` });
    return values;
  }
}

export interface BucketHistogramConfig<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: readonly Registry[];
}

export class BucketHistogram<L extends string = never> {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly labelNames: readonly L[];
  private readonly bounds: Float64Array;
  private readonly all = new Map<string, HistogramSeries>();

  constructor(config: BucketHistogramConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames ?? [];
    this.bounds = Float64Array.from(config.buckets);
    for (let i = 1; i < this.bounds.length; i++)
      if (!(this.bounds[i]! > this.bounds[i - 1]!)) throw new Error(`${config.name}: buckets must ascend`);
    // A registry takes any metric with a name and `get()`; prom-client's types list only its own classes.
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The series of one label set (values in `labelNames` order); keep it and `observe` on it. */
  series(...values: string[]): HistogramSeries {
    if (values.length !== this.labelNames.length)
      throw new Error(`${this.name}: ${this.labelNames.length} label value(s) expected, got ${values.length}`);
    const key = values.join("\u0000");
    let series = this.all.get(key);
    if (!series) {
      const labels: LabelSet = {};
      this.labelNames.forEach((name, i) => {
        labels[name] = values[i]!;
      });
      series = new HistogramSeries(labels, this.bounds);
      this.all.set(key, series);
    }
    return series;
  }

  /** What a registry reads at scrape time. */
  async get(): Promise<{ name: string; help: string; type: "histogram"; aggregator: "sum"; values: ExposedValue[] }> {
    const values = [...this.all.values()].flatMap((series) => series.exposed(this.name));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    for (const series of this.all.values()) series.reset();
  }
}
