/**
 * The model card of an exported model version: what it predicts, what it takes (inputs with their
 * tensor types and null markers), what it gives, how well it did (metrics, gate verdicts), what it
 * was made from (data and plan hashes, training parameters, lineage) and what runs it. As JSON
 * (`model-card.json`) and Markdown (`model-card.md`), built from the graph's metadata and the
 * registry only.
 */
import { readOnnxSignature } from "@mlops/compiler/onnx";
import {
  GRAPH_FORMAT,
  INT64_NULL,
  STRING_NULL_MARKER,
  type GraphInput,
  type GraphMetadata,
  type GraphSlot,
} from "../graph/graph-contract.js";

export interface CardGateVerdict {
  gate: string;
  passed: boolean;
  rules: Array<{ rule: string; value: number | null; threshold: number | null; passed: boolean; reason: string }>;
}

export interface CardVersion {
  model: string;
  version: number;
  aliases: string[];
  artifactHash: string;
  featuresHash: string | null;
  runId: string | null;
  planHash: string | null;
  createdAt: string;
  createdBy: string;
  metrics: Record<string, number | null>;
  lineage: Record<string, unknown>;
}

export interface ModelCard {
  format: "mlops-model-card/1";
  model: string;
  version: number;
  aliases: string[];
  task: GraphMetadata["task"];
  classes: string[];
  file: { name: string; sha256: string; bytes: number; graphFormat: typeof GRAPH_FORMAT; opsets: Record<string, number> };
  inputs: Array<{ name: string; column: string; type: string; nullable: boolean; tensor: string; shape: string; null: string | null }>;
  outputs: Array<{ name: string; type: string; shape: string; meaning: string }>;
  features: GraphSlot[];
  metrics: Record<string, number | null>;
  gates: CardGateVerdict[];
  data: Record<string, string | null>;
  planHash: string | null;
  sourceHash: string | null;
  training: Record<string, unknown> | null;
  lineage: {
    runId: string | null;
    createdAt: string;
    createdBy: string;
    artifacts: Record<string, unknown>;
    env: unknown;
    pipeline: unknown;
  };
  /** What a server needs beyond a standard ONNX runtime. */
  requirements: string[];
}

export function buildModelCard(
  bytes: Uint8Array,
  sha256: string,
  metadata: GraphMetadata,
  version: CardVersion,
  gates: CardGateVerdict[],
  opsets: Record<string, number>,
  operators: ReadonlySet<string>,
): ModelCard {
  const signature = readOnnxSignature(bytes);
  const outputs = "error" in signature ? [] : signature.outputs;
  const lineage = version.lineage;
  return {
    format: "mlops-model-card/1",
    model: version.model,
    version: version.version,
    aliases: version.aliases,
    task: metadata.task,
    classes: metadata.classes,
    file: { name: "model.onnx", sha256, bytes: bytes.length, graphFormat: GRAPH_FORMAT, opsets },
    inputs: metadata.inputs.map(describeInput),
    outputs: outputs.map((o) => ({
      name: o.name,
      type: o.elementType,
      shape: `[${o.shape.map((d, k) => d ?? (k === 0 ? "N" : "?")).join(", ")}]`,
      meaning: OUTPUT_MEANING[o.name] ?? "",
    })),
    features: metadata.slots,
    metrics: version.metrics,
    gates,
    data: (lineage.data as Record<string, string | null> | undefined) ?? {},
    planHash: version.planHash,
    sourceHash: (lineage.sourceHash as string | undefined) ?? null,
    training:
      (lineage.training as Record<string, unknown> | undefined) ?? (lineage.trainer ? { trainer: { kind: lineage.trainer } } : null),
    lineage: {
      runId: version.runId,
      createdAt: version.createdAt,
      createdBy: version.createdBy,
      artifacts: (lineage.artifacts as Record<string, unknown> | undefined) ?? {},
      env: lineage.env ?? null,
      pipeline: lineage.pipeline ?? null,
    },
    requirements: requirements(operators),
  };
}

const OUTPUT_MEANING: Record<string, string> = {
  label: "the predicted class name",
  probabilities: "the probability of each class, in class order",
  value: "the predicted value",
  features: "the model's input vector (see Features)",
};

function describeInput(input: GraphInput): ModelCard["inputs"][number] {
  const type = input.type.kind === "enum" ? `enum(${input.type.values.map((v) => JSON.stringify(v)).join(", ")})` : input.type.kind;
  const nullable = input.type.nullable;
  const marker = input.tensor === "string" ? `"${STRING_NULL_MARKER}" (U+2400)` : input.tensor === "int64" ? String(INT64_NULL) : "NaN";
  const unit =
    input.type.kind === "timestamp" ? " (epoch ms, UTC)" : input.type.kind === "date" ? " (epoch ms of the day's midnight, UTC)" : "";
  return {
    name: input.name,
    column: input.column,
    type: `${type}${nullable ? "?" : ""}`,
    nullable,
    tensor: `${input.tensor}${unit}`,
    shape: "[N]",
    null: nullable ? marker : null,
  };
}

function requirements(operators: ReadonlySet<string>): string[] {
  const needs = ["an ONNX runtime with ai.onnx opset 17 and ai.onnx.ml opset 3 (onnxruntime 1.14 or newer)"];
  const contrib = [...operators].filter((o) => o.startsWith("com.microsoft.")).map((o) => o.slice("com.microsoft.".length));
  if (contrib.length > 0)
    needs.push(`onnxruntime's contrib operators (com.microsoft: ${contrib.sort().join(", ")}); any onnxruntime build has them`);
  if (operators.has("StringNormalizer")) needs.push("the C.UTF-8 locale (glibc; for lower()/upper())");
  return needs;
}

export function modelCardMarkdown(card: ModelCard): string {
  const lines: string[] = [];
  const cell = (v: unknown): string =>
    String(v ?? "")
      .replace(/\|/g, "\\|")
      .replace(/\r?\n/g, " ");
  const table = (header: string[], rows: unknown[][]): void => {
    lines.push(
      `| ${header.join(" | ")} |`,
      `|${header.map(() => "---").join("|")}|`,
      ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
      "",
    );
  };
  lines.push(`# ${card.model} v${card.version}`, "");
  lines.push(
    `${taskText(card)}${card.aliases.length ? ` Aliases: ${card.aliases.join(", ")}.` : ""}`,
    "",
    `\`model.onnx\` (${card.file.bytes.toLocaleString("en")} bytes, sha256 \`${card.file.sha256}\`) is one ONNX graph from the raw columns to the prediction: the fitted feature transforms, then the model.`,
    "",
  );
  lines.push("## Inputs", "", "One tensor per source column, shape `[N]`.", "");
  table(
    ["input", "column", "type", "tensor", "null"],
    card.inputs.map((i) => [`\`${i.name}\``, i.column, i.type, i.tensor, i.null ?? "not nullable"]),
  );
  lines.push("## Outputs", "");
  table(
    ["output", "type", "shape", "meaning"],
    card.outputs.map((o) => [`\`${o.name}\``, o.type, o.shape, o.meaning]),
  );
  lines.push("## Features", "", "The layout of the `features` output (the model's input vector).", "");
  table(
    ["feature", "offset", "width", "slots"],
    card.features.map((f) => [f.feature, f.offset, f.width, f.width > 8 ? `${f.labels.slice(0, 8).join(", ")}, …` : f.labels.join(", ")]),
  );
  lines.push("## Metrics", "", "On the test split, when the version was registered.", "");
  table(
    ["metric", "value"],
    Object.entries(card.metrics).map(([k, v]) => [k, v === null ? "n/a" : Number(v.toPrecision(6))]),
  );
  lines.push("## Gates", "");
  if (card.gates.length === 0) lines.push("No gate judged this version.", "");
  for (const gate of card.gates) {
    lines.push(`**${gate.gate}**: ${gate.passed ? "passed" : "failed"}`, "");
    table(
      ["rule", "result"],
      gate.rules.map((r) => [`\`${r.rule}\``, `${r.passed ? "pass" : "FAIL"}: ${r.reason}`]),
    );
  }
  lines.push("## Training", "");
  if (card.training) lines.push("```json", JSON.stringify(card.training, null, 2), "```", "");
  else lines.push("Not recorded for this version.", "");
  lines.push("## Lineage", "");
  table(
    ["what", "value"],
    [
      ["run", card.lineage.runId ?? "n/a"],
      ["created", `${card.lineage.createdAt} by ${card.lineage.createdBy}`],
      ["pipeline", card.lineage.pipeline ?? "n/a"],
      ["env", card.lineage.env ?? "default"],
      ["plan hash", card.planHash ? `\`${card.planHash}\`` : "n/a"],
      ["source hash", card.sourceHash ? `\`${card.sourceHash}\`` : "n/a"],
      ...Object.entries(card.data).map(([name, hash]) => [`data ${name}`, hash ? `\`${hash}\`` : "n/a"]),
      ...Object.entries(card.lineage.artifacts).map(([name, hash]) => [
        `artifact ${name}`,
        typeof hash === "string" ? `\`${hash}\`` : JSON.stringify(hash),
      ]),
    ],
  );
  lines.push("## Running it", "", ...card.requirements.map((r) => `- ${r}`), "");
  return `${lines.join("\n")}`;
}

function taskText(card: ModelCard): string {
  switch (card.task) {
    case "regression":
      return "Regression: predicts a value.";
    case "binary_classification":
      return `Binary classification: ${card.classes[1]} (positive) or ${card.classes[0]}.`;
    case "multiclass_classification":
      return `Multiclass classification over ${card.classes.join(", ")}.`;
  }
}
