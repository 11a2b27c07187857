/**
 * `mlops check` speed: a generated 50k-line multi-file project, fully checked,
 * beside `yaml.parse` + ajv (JSON Schema 2020-12) validation of the same content
 * written as YAML — the peer a YAML-based tool would run. Also the re-check time
 * after editing one file (incremental).
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import YAML from "yaml";
import { MemoryHost, createProgram } from "@mlops/compiler";

const UNITS_PER_FILE = 6;
const FILES = 100;
const COLUMNS = 16;

interface Unit {
  id: string;
}

function mlopsUnit({ id }: Unit): string {
  const cols = Array.from(
    { length: COLUMNS },
    (_, i) => `    c${i}: ${i % 4 === 0 ? 'enum("a", "b", "c")' : i % 4 === 1 ? "int range(0, 100)" : i % 4 === 2 ? "string?" : "float"}`,
  );
  const feats = Array.from({ length: COLUMNS }, (_, i) =>
    i % 4 === 0
      ? `  f${i} = one_hot(c${i})`
      : i % 4 === 1
        ? `  f${i} = clip(c${i}, 0, 50)`
        : i % 4 === 2
          ? `  f${i} = hash_bucket(coalesce(c${i}, "none"), 16)`
          : `  f${i} = standardize(c${i})`,
  );
  return `source src_${id} {
  format = csv
  path   = "data/${id}.csv"
  schema {
${cols.join("\n")}
    label: bool
  }
  expect {
    row_count >= 100
    null_rate(c2) <= 10%
    mean(c3) < 1000
  }
}

features fs_${id} from src_${id} {
${feats.join("\n")}
}

model m_${id} {
  task     = binary_classification
  features = fs_${id}
  target   = src_${id}.label
  split    = { test = 20%, seed = 1, stratify = true }
  trainer  = logistic_regression { epochs = 100, learning_rate = 0.1, l2 = 0.001 }
}

gate g_${id} {
  model = m_${id}
  require auc >= params.min_auc
  require recall >= 60%
  require latency_p95 <= 20ms
}

deploy d_${id} {
  model  = m_${id}
  gate   = g_${id}
  target = kubernetes {
    namespace = "ml"
    image     = "registry.example.com/rt:1"
    replicas  = params.replicas
    cpu       = 500m
    memory    = 512Mi
    autoscale = { min = 2, max = 10, target_cpu = 70% }
  }
  endpoint = { path = "/v1/${id}", port = 8080 }
}

monitor mon_${id} {
  deployment = d_${id}
  reference  = training
  window     = 1d
  schedule   = every(6h)
  drift c3: psi > 0.2
  drift c0: chi_square < 0.05
  when drift_share >= 30% => retrain(m_${id})
}
`;
}

function yamlUnit({ id }: Unit): unknown {
  const columns = Object.fromEntries(
    Array.from({ length: COLUMNS }, (_, i) => [
      `c${i}`,
      i % 4 === 0
        ? { type: "enum", values: ["a", "b", "c"] }
        : i % 4 === 1
          ? { type: "int", range: [0, 100] }
          : i % 4 === 2
            ? { type: "string", nullable: true }
            : { type: "float" },
    ]),
  );
  columns.label = { type: "bool" };
  const features = Object.fromEntries(
    Array.from({ length: COLUMNS }, (_, i) => [
      `f${i}`,
      i % 4 === 0
        ? `one_hot(c${i})`
        : i % 4 === 1
          ? `clip(c${i}, 0, 50)`
          : i % 4 === 2
            ? `hash_bucket(coalesce(c${i}, "none"), 16)`
            : `standardize(c${i})`,
    ]),
  );
  return {
    sources: {
      [`src_${id}`]: {
        format: "csv",
        path: `data/${id}.csv`,
        schema: columns,
        expect: ["row_count >= 100", "null_rate(c2) <= 0.1", "mean(c3) < 1000"],
      },
    },
    features: { [`fs_${id}`]: { from: `src_${id}`, features } },
    models: {
      [`m_${id}`]: {
        task: "binary_classification",
        features: `fs_${id}`,
        target: `src_${id}.label`,
        split: { test: 0.2, seed: 1, stratify: true },
        trainer: { kind: "logistic_regression", epochs: 100, learning_rate: 0.1, l2: 0.001 },
      },
    },
    gates: {
      [`g_${id}`]: {
        model: `m_${id}`,
        require: [
          { metric: "auc", op: ">=", threshold: "${min_auc}" },
          { metric: "recall", op: ">=", threshold: 0.6 },
          { metric: "latency_p95", op: "<=", threshold: "20ms" },
        ],
      },
    },
    deployments: {
      [`d_${id}`]: {
        model: `m_${id}`,
        gate: `g_${id}`,
        target: {
          kind: "kubernetes",
          namespace: "ml",
          image: "registry.example.com/rt:1",
          replicas: "${replicas}",
          cpu: "500m",
          memory: "512Mi",
          autoscale: { min: 2, max: 10, target_cpu: 0.7 },
        },
        endpoint: { path: `/v1/${id}`, port: 8080 },
      },
    },
    monitors: {
      [`mon_${id}`]: {
        deployment: `d_${id}`,
        reference: "training",
        window: "1d",
        schedule: "every 6h",
        drift: [
          { column: "c3", method: "psi", op: ">", threshold: 0.2 },
          { column: "c0", method: "chi_square", op: "<", threshold: 0.05 },
        ],
        when: [{ condition: "drift_share >= 0.3", action: { retrain: `m_${id}` } }],
      },
    },
  };
}

const name = { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" };
const quantity = { type: "string", pattern: "^[0-9.]+(ms|s|m|h|d|w|Ki|Mi|Gi|Ti|K|M|G|T|%)?$" };
const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  properties: {
    sources: {
      type: "object",
      propertyNames: name,
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["format", "path", "schema"],
        properties: {
          format: { enum: ["csv", "jsonl", "parquet"] },
          path: { type: "string" },
          schema: {
            type: "object",
            propertyNames: name,
            additionalProperties: {
              type: "object",
              additionalProperties: false,
              required: ["type"],
              properties: {
                type: { enum: ["int", "float", "bool", "string", "timestamp", "date", "enum"] },
                values: { type: "array", items: { type: "string" }, minItems: 1 },
                range: { type: "array", items: { type: "number" }, minItems: 2, maxItems: 2 },
                nullable: { type: "boolean" },
                unique: { type: "boolean" },
              },
            },
          },
          expect: { type: "array", items: { type: "string" } },
        },
      },
    },
    features: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["from", "features"],
        additionalProperties: false,
        properties: { from: name, features: { type: "object", additionalProperties: { type: "string" } } },
      },
    },
    models: {
      type: "object",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["task", "features", "target", "trainer"],
        properties: {
          task: { enum: ["binary_classification", "multiclass_classification", "regression"] },
          features: { oneOf: [name, { type: "array", items: { type: "string" } }] },
          target: { type: "string" },
          split: {
            type: "object",
            additionalProperties: false,
            properties: {
              test: { type: "number", exclusiveMinimum: 0, maximum: 1 },
              seed: { type: "integer", minimum: 0 },
              stratify: { type: "boolean" },
            },
          },
          trainer: {
            type: "object",
            required: ["kind"],
            properties: {
              kind: { enum: ["logistic_regression", "softmax_regression", "linear_regression", "external", "pretrained"] },
              epochs: { type: "integer", minimum: 1 },
              learning_rate: { type: "number", exclusiveMinimum: 0 },
              l2: { type: "number", minimum: 0 },
            },
          },
        },
      },
    },
    gates: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["model"],
        properties: {
          model: name,
          require: {
            type: "array",
            items: {
              type: "object",
              required: ["metric", "op", "threshold"],
              properties: {
                metric: { type: "string" },
                op: { enum: ["<", "<=", ">", ">=", "==", "!="] },
                threshold: { type: ["number", "string"] },
              },
            },
          },
        },
      },
    },
    deployments: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["model", "target"],
        properties: {
          model: name,
          gate: name,
          target: {
            type: "object",
            required: ["kind"],
            properties: {
              kind: { enum: ["local", "docker", "kubernetes", "batch"] },
              namespace: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
              image: { type: "string" },
              replicas: { type: ["integer", "string"] },
              cpu: quantity,
              memory: quantity,
              autoscale: {
                type: "object",
                required: ["min", "max"],
                properties: {
                  min: { type: "integer", minimum: 1 },
                  max: { type: "integer", minimum: 1 },
                  target_cpu: { type: "number", exclusiveMinimum: 0, maximum: 1 },
                },
              },
            },
          },
          endpoint: {
            type: "object",
            properties: { path: { type: "string", pattern: "^/" }, port: { type: "integer", minimum: 1, maximum: 65535 } },
          },
        },
      },
    },
    monitors: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["deployment", "reference", "window", "schedule"],
        properties: {
          deployment: name,
          reference: { type: "string" },
          window: quantity,
          schedule: { type: "string" },
          drift: {
            type: "array",
            items: {
              type: "object",
              required: ["column", "method", "op", "threshold"],
              properties: {
                column: { type: "string" },
                method: { enum: ["psi", "wasserstein", "jensen_shannon", "ks", "z_test", "chi_square", "auto"] },
                op: { type: "string" },
                threshold: { type: "number" },
              },
            },
          },
          when: { type: "array", items: { type: "object", required: ["condition", "action"] } },
        },
      },
    },
  },
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

export default async function bench(): Promise<void> {
  const files: Record<string, string> = {};
  const yamlFiles: string[] = [];
  const imports: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const units = Array.from({ length: UNITS_PER_FILE }, (_, u) => ({ id: `${f}_${u}` }));
    files[`/bench/part${f}.mlops`] = units.map(mlopsUnit).join("\n");
    const merged: Record<string, Record<string, unknown>> = {};
    for (const u of units)
      for (const [k, v] of Object.entries(yamlUnit(u) as Record<string, Record<string, unknown>>)) Object.assign((merged[k] ??= {}), v);
    yamlFiles.push(YAML.stringify(merged));
    imports.push(`import "./part${f}.mlops"`);
  }
  files["/bench/main.mlops"] =
    `pipeline bench {\n  owner = "bench@example.com"\n}\nparam replicas: int = 2\nparam min_auc: ratio = 80%\nenv prod { replicas = 4 }\n${imports.join("\n")}\n`;
  const lines = Object.values(files).reduce((n, t) => n + t.split("\n").length, 0);
  const yamlLines = yamlFiles.reduce((n, t) => n + t.split("\n").length, 0);

  let diagnostics = 0;
  const check = (): void => {
    const program = createProgram({ host: new MemoryHost(files), rootFiles: ["/bench/main.mlops"] });
    diagnostics = program.diagnostics().length;
  };
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  let invalid = 0;
  const yamlCheck = (): void => {
    invalid = 0;
    for (const text of yamlFiles) if (!validate(YAML.parse(text))) invalid++;
  };
  check();
  yamlCheck();
  const runs = 5;
  const mlopsMs = time(check, runs);
  const yamlMs = time(yamlCheck, runs);

  const program = createProgram({ host: new MemoryHost(files), rootFiles: ["/bench/main.mlops"] });
  program.diagnostics();
  const target = "/bench/part42.mlops";
  let flip = false;
  const recheckMs = time(() => {
    flip = !flip;
    program.updateFile(target, files[target]!.replace("require recall >= 60%", flip ? "require recall >= 65%" : "require recall >= 60%"));
    program.diagnostics();
  }, 9);

  console.log(
    `project: ${FILES + 1} files, ${lines} lines of .mlops (${yamlLines} lines as YAML); diagnostics: ${diagnostics}, invalid YAML files: ${invalid}`,
  );
  console.log(`mlops check (parse + bind + type-check): ${mlopsMs.toFixed(1)} ms`);
  console.log(`yaml.parse + ajv validate:             ${yamlMs.toFixed(1)} ms`);
  console.log(`ratio (mlops / yaml+ajv): ${(mlopsMs / yamlMs).toFixed(2)} (target <= 1.0)`);
  console.log(`re-check after editing one file: ${recheckMs.toFixed(1)} ms (target < 50 ms)`);
}
