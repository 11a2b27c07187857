/**
 * The server's Prometheus metrics (prom-client, one registry per server). Latency histograms use
 * KServe's names (`request_preprocess_seconds`, `request_predict_seconds`,
 * `request_postprocess_seconds`, label `model_name`); the rest are prefixed `mlops_`. The
 * histograms observed on every request are `BucketHistogram`s (same text, a fraction of the cost).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { BucketHistogram, type HistogramSeries } from "./bucket-histogram.js";

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];

export interface ServedVersionLabels {
  deployment: string;
  model: string;
  version: number;
  alias: string;
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"route" | "status">;
  private readonly duration: BucketHistogram<"route">;
  private readonly batchRows: HistogramSeries;
  private readonly inFlight: Gauge;
  private readonly modelInfo: Gauge<"deployment" | "model" | "version" | "alias">;
  private readonly ready: Gauge;
  private readonly reloads: Counter<"outcome">;
  private readonly logRecords: Counter;
  private readonly logDropped: Counter;
  private readonly requestCounters = new Map<string, Counter.Internal>();
  private readonly durations = new Map<string, HistogramSeries>();
  private readonly stageTimers: [HistogramSeries, HistogramSeries, HistogramSeries];

  constructor(modelName: string) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: "mlops_http_requests_total",
      help: "HTTP requests answered, by route and status code",
      labelNames: ["route", "status"],
      registers,
    });
    this.duration = new BucketHistogram({
      name: "mlops_http_request_duration_seconds",
      help: "Time from the request's arrival to its answer, by route",
      labelNames: ["route"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const stage = (name: string, help: string): HistogramSeries =>
      new BucketHistogram({ name, help, labelNames: ["model_name"], buckets: LATENCY_BUCKETS, registers }).series(modelName);
    this.stageTimers = [
      stage("request_preprocess_seconds", "Reading and checking a scoring request (body, JSON, schema)"),
      stage("request_predict_seconds", "Waiting for and running the model on a request's batch (features + ONNX)"),
      stage("request_postprocess_seconds", "Building a scoring response"),
    ];
    this.batchRows = new BucketHistogram({
      name: "mlops_batch_size",
      help: "Instances per model run (micro-batch size)",
      buckets: BATCH_BUCKETS,
      registers,
    }).series();
    this.inFlight = new Gauge({ name: "mlops_requests_in_flight", help: "Scoring requests being handled", registers });
    this.modelInfo = new Gauge({
      name: "mlops_model_info",
      help: "The model version being served (value 1)",
      labelNames: ["deployment", "model", "version", "alias"],
      registers,
    });
    this.ready = new Gauge({ name: "mlops_model_ready", help: "1 when a model version is loaded and warmed", registers });
    this.reloads = new Counter({
      name: "mlops_model_loads_total",
      help: "Model version loads (start and alias moves), by outcome",
      labelNames: ["outcome"],
      registers,
    });
    this.logRecords = new Counter({ name: "mlops_request_log_records_total", help: "Records written to the request log", registers });
    this.logDropped = new Counter({
      name: "mlops_request_log_dropped_total",
      help: "Request-log records dropped because the write queue was full (disk too slow)",
      registers,
    });
  }

  request(route: string, status: number, seconds: number): void {
    const key = `${route}\u0000${status}`;
    let counter = this.requestCounters.get(key);
    if (!counter) {
      counter = this.requests.labels(route, String(status));
      this.requestCounters.set(key, counter);
    }
    counter.inc();
    let duration = this.durations.get(route);
    if (!duration) {
      duration = this.duration.series(route);
      this.durations.set(route, duration);
    }
    duration.observe(seconds);
  }

  stages(preprocess: number, predict: number, postprocess: number): void {
    this.stageTimers[0].observe(preprocess);
    this.stageTimers[1].observe(predict);
    this.stageTimers[2].observe(postprocess);
  }

  batch(rows: number): void {
    this.batchRows.observe(rows);
  }

  scoringStarted(): void {
    this.inFlight.inc();
  }

  scoringFinished(): void {
    this.inFlight.dec();
  }

  served(labels: ServedVersionLabels): void {
    this.modelInfo.reset();
    this.modelInfo.labels(labels.deployment, labels.model, String(labels.version), labels.alias).set(1);
    this.ready.set(1);
  }

  notReady(): void {
    this.ready.set(0);
  }

  load(outcome: "loaded" | "failed"): void {
    this.reloads.labels(outcome).inc();
  }

  logWritten(records: number): void {
    this.logRecords.inc(records);
  }

  logDroppedRecords(records: number): void {
    this.logDropped.inc(records);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
