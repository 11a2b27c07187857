/**
 * The server's cheap histogram writes exactly what prom-client's Histogram writes for the same
 * observations (the /metrics text Prometheus scrapes), labelled or not, on and between bounds.
 */
import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { BucketHistogram } from "../../src/serve/bucket-histogram.js";

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
const VALUES = [0, 0.0005, 0.0004, 0.001, 0.0011, 0.004, 0.005, 0.0051, 0.07, 0.1, 0.2, 12, 1e-9, 0.0249];

describe("BucketHistogram", () => {
  it("exposes the same text as prom-client's Histogram, per label set", async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({ name: "latency_seconds", help: "h", labelNames: ["route"], buckets: BUCKETS, registers: [theirs] });
    const histogram = new BucketHistogram({
      name: "latency_seconds",
      help: "h",
      labelNames: ["route"],
      buckets: BUCKETS,
      registers: [ours],
    });
    for (const [i, value] of VALUES.entries()) {
      const route = i % 3 === 0 ? "predict" : "infer";
      reference.labels(route).observe(value);
      histogram.series(route).observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('latency_seconds_bucket{le="0.005",route="predict"} 4');
  });

  it("an unlabelled histogram; reset keeps its series at zero", async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({ name: "batch_size", help: "rows", buckets: [1, 2, 4, 8], registers: [theirs] });
    const series = new BucketHistogram({ name: "batch_size", help: "rows", buckets: [1, 2, 4, 8], registers: [ours] }).series();
    expect(await ours.metrics()).toBe(await theirs.metrics());
    for (const rows of [1, 1, 3, 8, 9, 64, 2]) {
      reference.observe(rows);
      series.observe(rows);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    ours.resetMetrics();
    series.observe(3);
    expect(await ours.metrics()).toMatch(/^batch_size_bucket\{le="2"\} 0\nbatch_size_bucket\{le="4"\} 1\n/m);
    expect(await ours.metrics()).toMatch(/^batch_size_count 1$/m);
  });

  it("refuses buckets that do not ascend and a wrong number of label values", () => {
    const registers = [new Registry()];
    expect(() => new BucketHistogram({ name: "x", help: "x", buckets: [1, 1], registers })).toThrow(/ascend/);
    const histogram = new BucketHistogram({ name: "y", help: "y", labelNames: ["a"], buckets: [1], registers });
    expect(() => histogram.series()).toThrow(/1 label value/);
  });
});
