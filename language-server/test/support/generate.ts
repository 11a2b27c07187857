/**
 * A large valid `.mlops` document (and the same content as YAML) for the
 * benchmark: one pipeline and `groups` repetitions of source → features →
 * model → gate → deploy → monitor, about 56 lines per group.
 */
export function generateMlops(groups: number): string {
  const out: string[] = [
    "pipeline bench {",
    '  owner = "bench@example.com"',
    "}",
    "",
    "param replicas: int = 2",
    "param min_auc: ratio = 80%",
    "",
  ];
  for (let i = 0; i < groups; i++) {
    out.push(
      `/// Source ${i}.`,
      `source s${i} {`,
      "  format = csv",
      `  path   = "data/s${i}.csv"`,
      "  schema {",
      "    amount:   float range(0, 100000)",
      "    count:    int range(0, 1000)",
      '    category: enum("a", "b", "c")',
      "    country:  string?",
      "    hour:     int range(0, 23)",
      "    label:    bool",
      "  }",
      "  expect {",
      "    row_count >= 100",
      "    null_rate(country) <= 5%",
      "  }",
      "}",
      "",
      `features f${i} from s${i} {`,
      "  amount_log = log1p(amount)",
      "  amount_z   = standardize(amount)",
      "  is_night   = hour < 6 or hour >= 22",
      "  cat        = one_hot(category)",
      '  country_b  = hash_bucket(coalesce(country, "unknown"), 16)',
      "}",
      "",
      `model m${i} {`,
      "  task     = binary_classification",
      `  features = f${i}`,
      `  target   = s${i}.label`,
      "  split    = { test = 20%, seed = 42 }",
      "  trainer  = logistic_regression { epochs = 50, learning_rate = 0.1 }",
      "}",
      "",
      `gate g${i} {`,
      `  model = m${i}`,
      "  require auc >= params.min_auc",
      "  require recall >= 70%",
      "}",
      "",
      `deploy d${i} {`,
      `  model  = m${i}`,
      `  gate   = g${i}`,
      "  target = kubernetes {",
      '    namespace = "bench"',
      '    image     = "registry.example.com/runtime:1.0"',
      "    replicas  = params.replicas",
      "    cpu       = 500m",
      "    memory    = 512Mi",
      "  }",
      `  endpoint = { path = "/v1/m${i}", port = 8080 }`,
      "}",
      "",
      `monitor w${i} {`,
      `  deployment = d${i}`,
      "  reference  = training",
      "  window     = 1d",
      "  schedule   = every(6h)",
      "  drift amount: psi > 0.2",
      `  when drift_share >= 30% => retrain(m${i})`,
      "}",
      "",
    );
  }
  return out.join("\n");
}

/** The same declarations as YAML (what a YAML-based tool would have users write). */
export function generateYaml(groups: number): string {
  const out: string[] = [
    "pipeline:",
    "  name: bench",
    "  owner: bench@example.com",
    "params:",
    "  replicas: 2",
    "  min_auc: 0.8",
    "sources:",
  ];
  for (let i = 0; i < groups; i++) {
    out.push(
      `  - name: s${i}`,
      "    format: csv",
      `    path: data/s${i}.csv`,
      "    schema:",
      "      - { name: amount, type: float, min: 0, max: 100000 }",
      "      - { name: count, type: int, min: 0, max: 1000 }",
      "      - { name: category, type: enum, values: [a, b, c] }",
      "      - { name: country, type: string, nullable: true }",
      "      - { name: hour, type: int, min: 0, max: 23 }",
      "      - { name: label, type: bool }",
      "    expect:",
      '      - "row_count >= 100"',
      '      - "null_rate(country) <= 0.05"',
    );
  }
  out.push("features:");
  for (let i = 0; i < groups; i++) {
    out.push(
      `  - name: f${i}`,
      `    from: s${i}`,
      "    columns:",
      '      amount_log: "log1p(amount)"',
      '      amount_z: "standardize(amount)"',
      '      is_night: "hour < 6 or hour >= 22"',
      '      cat: "one_hot(category)"',
      "      country_b: 'hash_bucket(coalesce(country, \"unknown\"), 16)'",
    );
  }
  out.push("models:");
  for (let i = 0; i < groups; i++) {
    out.push(
      `  - name: m${i}`,
      "    task: binary_classification",
      `    features: f${i}`,
      `    target: s${i}.label`,
      "    split: { test: 0.2, seed: 42 }",
      "    trainer:",
      "      kind: logistic_regression",
      "      epochs: 50",
      "      learning_rate: 0.1",
    );
  }
  out.push("gates:");
  for (let i = 0; i < groups; i++) {
    out.push(`  - name: g${i}`, `    model: m${i}`, "    require:", '      - "auc >= params.min_auc"', '      - "recall >= 0.7"');
  }
  out.push("deployments:");
  for (let i = 0; i < groups; i++) {
    out.push(
      `  - name: d${i}`,
      `    model: m${i}`,
      `    gate: g${i}`,
      "    target:",
      "      kind: kubernetes",
      "      namespace: bench",
      "      image: registry.example.com/runtime:1.0",
      "      replicas: 2",
      "      cpu: 500m",
      "      memory: 512Mi",
      `    endpoint: { path: /v1/m${i}, port: 8080 }`,
    );
  }
  out.push("monitors:");
  for (let i = 0; i < groups; i++) {
    out.push(
      `  - name: w${i}`,
      `    deployment: d${i}`,
      "    reference: training",
      "    window: 1d",
      "    schedule: every 6h",
      "    drift: [{ column: amount, method: psi, threshold: 0.2 }]",
      `    when: [{ condition: "drift_share >= 0.3", action: "retrain(m${i})" }]`,
    );
  }
  return `${out.join("\n")}\n`;
}

const NAME = { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$", description: "Declaration name" };
const STR_LIST = { type: "array", items: { type: "string" } };

/** A JSON Schema (draft-07) for the YAML form, as strict as the language's own checks allow in JSON Schema. */
export const YAML_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  additionalProperties: false,
  required: ["pipeline"],
  properties: {
    pipeline: {
      type: "object",
      additionalProperties: false,
      required: ["name", "owner"],
      properties: { name: NAME, owner: { type: "string", description: "Owner e-mail" }, description: { type: "string" } },
    },
    params: { type: "object", additionalProperties: { type: ["number", "string", "boolean"] } },
    sources: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "format", "path", "schema"],
        properties: {
          name: NAME,
          format: { enum: ["csv", "jsonl", "parquet"], description: "File format" },
          path: { type: "string", description: "Data path relative to the file" },
          schema: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["name", "type"],
              properties: {
                name: NAME,
                type: { enum: ["int", "float", "bool", "string", "timestamp", "date", "enum"], description: "Column type" },
                min: { type: "number" },
                max: { type: "number" },
                values: STR_LIST,
                nullable: { type: "boolean" },
                unique: { type: "boolean" },
              },
            },
          },
          expect: STR_LIST,
        },
      },
    },
    features: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "from", "columns"],
        properties: { name: NAME, from: NAME, columns: { type: "object", additionalProperties: { type: "string" } } },
      },
    },
    models: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "task", "features", "target", "trainer"],
        properties: {
          name: NAME,
          task: { enum: ["binary_classification", "multiclass_classification", "regression"], description: "Learning task" },
          features: { type: "string", description: "Feature set" },
          target: { type: "string", description: "Target column S.col" },
          split: {
            type: "object",
            additionalProperties: false,
            properties: { test: { type: "number", minimum: 0, maximum: 1 }, seed: { type: "integer" }, stratify: { type: "boolean" } },
          },
          trainer: {
            type: "object",
            required: ["kind"],
            additionalProperties: false,
            properties: {
              kind: {
                enum: ["logistic_regression", "softmax_regression", "linear_regression", "external", "pretrained"],
                description: "Trainer",
              },
              epochs: { type: "integer", minimum: 1, description: "Passes over the training split." },
              learning_rate: { type: "number", exclusiveMinimum: 0, description: "Gradient step size." },
              l2: { type: "number", minimum: 0, description: "L2 strength" },
            },
          },
        },
      },
    },
    gates: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "model"],
        properties: { name: NAME, model: NAME, require: STR_LIST },
      },
    },
    deployments: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "model", "target"],
        properties: {
          name: NAME,
          model: NAME,
          gate: NAME,
          target: {
            type: "object",
            required: ["kind"],
            additionalProperties: false,
            properties: {
              kind: { enum: ["local", "docker", "kubernetes", "batch"] },
              namespace: { type: "string" },
              image: { type: "string" },
              replicas: { type: "integer", minimum: 1 },
              cpu: { type: "string", pattern: "^[0-9]+(m)?$" },
              memory: { type: "string", pattern: "^[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?$" },
            },
          },
          endpoint: {
            type: "object",
            additionalProperties: false,
            properties: { path: { type: "string" }, port: { type: "integer", minimum: 1, maximum: 65535 } },
          },
        },
      },
    },
    monitors: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "deployment", "reference", "window", "schedule"],
        properties: {
          name: NAME,
          deployment: NAME,
          reference: { type: "string" },
          window: { type: "string", pattern: "^[0-9]+(ms|s|m|h|d|w)$" },
          schedule: { type: "string" },
          drift: {
            type: "array",
            items: {
              type: "object",
              properties: {
                column: { type: "string" },
                method: { enum: ["psi", "ks", "wasserstein", "jensen_shannon", "chi_square", "z_test", "auto"] },
                threshold: { type: "number" },
              },
            },
          },
          when: { type: "array", items: { type: "object", properties: { condition: { type: "string" }, action: { type: "string" } } } },
        },
      },
    },
  },
};
