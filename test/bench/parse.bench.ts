/**
 * Parser and formatter throughput on a generated 50k-line `.mlops` program, beside
 * `yaml.parse` (the `yaml` package) on the same content written as YAML.
 */
import { performance } from "node:perf_hooks";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { format, parse } from "../../compiler/src/index.js";

const TARGET_LINES = 50_000;
const RUNS = 5;

type Value = string | number | boolean | Value[] | { [key: string]: Value };

/** One group of declarations as plain data; rendered both as `.mlops` and as YAML. */
function group(i: number): { mlops: string; data: Record<string, Value> } {
  const columns = Array.from({ length: 12 }, (_, c) => ({
    name: `col_${c}`,
    type: c % 3 === 0 ? "float" : c % 3 === 1 ? "int" : "string?",
    range: c % 3 === 0 ? [0, 1000] : [],
  }));
  const schema = columns.map((c) => `    ${c.name}: ${c.type}${c.range.length ? ` range(${c.range.join(", ")})` : ""}`).join("\n");
  const features = Array.from({ length: 10 }, (_, f) => ({
    name: `f_${f}`,
    expr: f % 2 === 0 ? `log1p(col_${f} * 2 + 1)` : `standardize(col_${f})`,
  }));
  const mlops = `/// Source number ${i}.
source s${i} {
  format = csv
  path   = "data/s${i}.csv"
  schema {
${schema}
  }
  expect {
    row_count >= 1000
    null_rate(col_2) <= 5%
  }
}

features fs${i} from s${i} {
${features.map((f) => `  ${f.name} = ${f.expr}`).join("\n")}
}

model m${i} {
  task     = binary_classification
  features = fs${i}
  target   = s${i}.col_1
  split    = { test = 20%, seed = ${i}, stratify = true }
  trainer  = logistic_regression { epochs = 200, learning_rate = 0.1 }
}

gate g${i} {
  model = m${i}
  require auc >= 0.8
  require latency_p95 <= 20ms
}

deploy d${i} {
  model  = m${i}
  gate   = g${i}
  target = kubernetes {
    namespace = "team-${i}"
    image     = "registry.example.com/model-${i}:1.0"
    cpu       = 500m
    memory    = 512Mi
  }
}

monitor w${i} {
  deployment = d${i}
  reference  = training
  window     = 1d
  schedule   = every(6h)
  drift col_0: psi > 0.2
  when drift_share >= 30% => retrain(m${i})
}
`;
  const data: Record<string, Value> = {
    [`source s${i}`]: {
      doc: `Source number ${i}.`,
      format: "csv",
      path: `data/s${i}.csv`,
      schema: Object.fromEntries(columns.map((c) => [c.name, c.range.length ? { type: c.type, range: c.range } : c.type])),
      expect: ["row_count >= 1000", "null_rate(col_2) <= 5%"],
    },
    [`features fs${i}`]: { from: `s${i}`, ...Object.fromEntries(features.map((f) => [f.name, f.expr])) },
    [`model m${i}`]: {
      task: "binary_classification",
      features: `fs${i}`,
      target: `s${i}.col_1`,
      split: { test: "20%", seed: i, stratify: true },
      trainer: { logistic_regression: { epochs: 200, learning_rate: 0.1 } },
    },
    [`gate g${i}`]: { model: `m${i}`, require: ["auc >= 0.8", "latency_p95 <= 20ms"] },
    [`deploy d${i}`]: {
      model: `m${i}`,
      gate: `g${i}`,
      target: { kubernetes: { namespace: `team-${i}`, image: `registry.example.com/model-${i}:1.0`, cpu: "500m", memory: "512Mi" } },
    },
    [`monitor w${i}`]: {
      deployment: `d${i}`,
      reference: "training",
      window: "1d",
      schedule: "every(6h)",
      drift: { col_0: "psi > 0.2" },
      when: [{ if: "drift_share >= 30%", then: `retrain(m${i})` }],
    },
  };
  return { mlops, data };
}

function generate(): { mlops: string; yaml: string } {
  const parts = ['pipeline bench {\n  owner = "bench@example.com"\n}\n'];
  const data: Record<string, Value> = { "pipeline bench": { owner: "bench@example.com" } };
  let lines = 3;
  for (let i = 0; lines < TARGET_LINES; i++) {
    const g = group(i);
    parts.push(g.mlops);
    Object.assign(data, g.data);
    lines += g.mlops.split("\n").length;
  }
  return { mlops: parts.join("\n"), yaml: stringifyYaml(data) };
}

/** Median wall time of `RUNS` runs after one warm-up. */
function time(run: () => void): number {
  run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export default async function bench(): Promise<void> {
  const { mlops, yaml } = generate();
  const lines = mlops.split("\n").length;
  const parsed = parse(mlops, "bench.mlops");
  if (parsed.diagnostics.length > 0) throw new Error(`generated program has syntax errors: ${parsed.diagnostics[0]!.message}`);
  const parseMs = time(() => parse(mlops, "bench.mlops"));
  const formatMs = time(() => format(mlops, "bench.mlops"));
  const yamlMs = time(() => parseYaml(yaml));
  const perSecond = (ms: number): string => `${Math.round((lines / ms) * 1000).toLocaleString("en-US")} lines/s`;
  console.log(
    `input: ${lines.toLocaleString("en-US")} lines of .mlops (${(mlops.length / 1e6).toFixed(1)} MB); same content as YAML: ${yaml.split("\n").length.toLocaleString("en-US")} lines (${(yaml.length / 1e6).toFixed(1)} MB)`,
  );
  console.log(`mlops parse:          ${parseMs.toFixed(1)} ms  ${perSecond(parseMs)}`);
  console.log(`mlops format:         ${formatMs.toFixed(1)} ms  ${perSecond(formatMs)} (parse + layout + re-parse check)`);
  console.log(`yaml.parse (yaml 2):  ${yamlMs.toFixed(1)} ms`);
  console.log(`ratio parse / yaml.parse: ${(parseMs / yamlMs).toFixed(2)}x the time (${(yamlMs / parseMs).toFixed(2)}x faster)`);
  console.log(`ratio format / yaml.parse: ${(formatMs / yamlMs).toFixed(2)}x the time`);
}
