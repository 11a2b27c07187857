/**
 * Language server latency over stdio on a generated 5k-line document:
 * completion, hover, and diagnostics after a one-character edit, p50/p95,
 * beside yaml-language-server on the same content as YAML with a JSON Schema.
 * Then the quick fixes of a missing required field (`target` left out of one
 * model): ours proposes a value and checks it on a copy of the program before
 * offering it; yaml-language-server answers the same request for its
 * missing-property error.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Diagnostic, Position } from "vscode-languageserver-protocol";
import { buildServer } from "../../language-server/test/support/build-server.js";
import { generateMlops, generateYaml, YAML_SCHEMA } from "../../language-server/test/support/generate.js";
import { LspClient } from "../../language-server/test/support/lsp-client.js";

const GROUPS = 81;
const REQUESTS = 60;
const EDITS = 40;
/** Edits before measuring: both servers get the same warm-up (JIT, caches). */
const WARMUP_EDITS = 10;
const QUICK_FIXES = 30;

interface Figures {
  completion: number[];
  hover: number[];
  diagnostics: number[];
}

interface Target {
  client: LspClient;
  uri: string;
  text: string;
  completionAt: Position;
  hoverAt: Position;
  editAt: Position;
}

function positionOf(text: string, needle: string, delta = 0): Position {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`'${needle}' not in the generated document`);
  const before = text.slice(0, index + delta);
  return { line: before.split("\n").length - 1, character: before.length - before.lastIndexOf("\n") - 1 };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measure(target: Target): Promise<Figures> {
  const { client, uri } = target;
  const figures: Figures = { completion: [], hover: [], diagnostics: [] };
  for (let i = 0; i < 5; i++) {
    await client.request("textDocument/completion", { textDocument: { uri }, position: target.completionAt });
    await client.request("textDocument/hover", { textDocument: { uri }, position: target.hoverAt });
  }
  for (let i = 0; i < REQUESTS; i++) {
    figures.completion.push(
      await time(() => client.request("textDocument/completion", { textDocument: { uri }, position: target.completionAt })),
    );
    figures.hover.push(await time(() => client.request("textDocument/hover", { textDocument: { uri }, position: target.hoverAt })));
  }
  let version = 1;
  for (let i = 0; i < WARMUP_EDITS + EDITS; i++) {
    version++;
    const insert = i % 2 === 0;
    const at = target.editAt;
    const range = insert ? { start: at, end: at } : { start: at, end: { line: at.line, character: at.character + 1 } };
    client.clearDiagnostics();
    const v = version;
    const elapsed = await time(async () => {
      await client.change(uri, v, [{ range, text: insert ? " " : "" }]);
      await client.waitForDiagnostics(uri, (p) => p.version === undefined || p.version === v);
    });
    if (i >= WARMUP_EDITS) figures.diagnostics.push(elapsed);
  }
  return figures;
}

/** Latency of the code actions for the first diagnostic that `pick` chooses, after warm-up. */
async function quickFixes(client: LspClient, path: string, text: string, pick: (d: Diagnostic) => boolean): Promise<number[]> {
  const uri = await client.open(path, text);
  const diagnostics = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(pick), 60_000);
  const diagnostic = diagnostics.find(pick)!;
  const params = { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } };
  for (let i = 0; i < 5; i++) await client.request("textDocument/codeAction", params);
  const times: number[] = [];
  for (let i = 0; i < QUICK_FIXES; i++) times.push(await time(() => client.request("textDocument/codeAction", params)));
  return times;
}

/** `text` without the first line that starts with `line` after `anchor`. */
function withoutLine(text: string, anchor: string, line: string): string {
  const start = text.indexOf(line, text.indexOf(anchor));
  return text.slice(0, start) + text.slice(text.indexOf("\n", start) + 1);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mlops-lsp-bench-"));
  const mlopsText = generateMlops(GROUPS);
  const schemaPath = join(dir, "mlops.schema.json");
  writeFileSync(schemaPath, JSON.stringify(YAML_SCHEMA));
  const yamlText = `# yaml-language-server: $schema=${pathToFileURL(schemaPath).href}\n${generateYaml(GROUPS)}`;
  const mlopsPath = join(dir, "bench.mlops");
  const yamlPath = join(dir, "bench.yaml");
  writeFileSync(mlopsPath, mlopsText);
  writeFileSync(yamlPath, yamlText);
  console.log(`document: ${mlopsText.split("\n").length} lines of .mlops, ${yamlText.split("\n").length} lines of YAML`);

  const serverPath = await buildServer();
  const mlops = await LspClient.start(serverPath, { rootPath: dir });
  const yamlBin = join(createRequire(import.meta.url).resolve("yaml-language-server/package.json"), "../bin/yaml-language-server");
  const yamlSettings = { validate: true, hover: true, completion: true, schemas: { [pathToFileURL(schemaPath).href]: "*.yaml" } };
  const yaml = await LspClient.start(yamlBin, { rootPath: dir, configuration: { yaml: yamlSettings } });
  try {
    await yaml.connection.sendNotification("workspace/didChangeConfiguration", { settings: { yaml: yamlSettings } });
    const mid = `m${Math.floor(GROUPS / 2)}`;
    const mlopsUri = await mlops.open(mlopsPath);
    await mlops.waitForDiagnostics(mlopsUri, () => true, 60_000);
    const yamlUri = await yaml.open(yamlPath);
    await yaml.waitForDiagnostics(yamlUri, () => true, 60_000);

    const mlopsFigures = await measure({
      client: mlops,
      uri: mlopsUri,
      text: mlopsText,
      completionAt: positionOf(mlopsText, `model ${mid} {\n  task     = `, `model ${mid} {\n  task     = `.length),
      hoverAt: positionOf(
        mlopsText,
        `model ${mid} {\n  task     = binary_classification\n  features`,
        `model ${mid} {\n  task     = binary_classification\n  f`.length,
      ),
      editAt: positionOf(mlopsText, `/// Source ${Math.floor(GROUPS / 2)}.`, 4),
    });
    const yamlFigures = await measure({
      client: yaml,
      uri: yamlUri,
      text: yamlText,
      completionAt: positionOf(yamlText, `  - name: ${mid}\n    task: `, `  - name: ${mid}\n    task: `.length),
      hoverAt: positionOf(
        yamlText,
        `  - name: ${mid}\n    task: binary_classification\n    features`,
        `  - name: ${mid}\n    task: binary_classification\n    f`.length,
      ),
      editAt: positionOf(yamlText, `    path: data/s${Math.floor(GROUPS / 2)}.csv`, 10),
    });

    const row = (name: string, a: number[], b: number[], target: number): string => {
      const [a50, a95, b50, b95] = [percentile(a, 50), percentile(a, 95), percentile(b, 50), percentile(b, 95)];
      return `${name.padEnd(24)} mlops p50 ${a50.toFixed(2).padStart(7)} ms  p95 ${a95.toFixed(2).padStart(7)} ms | yaml-language-server p50 ${b50.toFixed(2).padStart(7)} ms  p95 ${b95.toFixed(2).padStart(7)} ms | peer/mlops p95 ${(b95 / a95).toFixed(1)}x | target p95 < ${target} ms: ${a95 < target ? "met" : "NOT met"}`;
    };
    console.log(row("completion", mlopsFigures.completion, yamlFigures.completion, 10));
    console.log(row("hover", mlopsFigures.hover, yamlFigures.hover, 10));
    console.log(row("diagnostics after edit", mlopsFigures.diagnostics, yamlFigures.diagnostics, 50));
    const mlopsFix = await quickFixes(
      mlops,
      join(dir, "missing-target.mlops"),
      withoutLine(mlopsText, `model ${mid} {`, "  target"),
      (d) => d.code === "missing-field",
    );
    const yamlFix = await quickFixes(
      yaml,
      join(dir, "missing-target.yaml"),
      withoutLine(yamlText, `  - name: ${mid}\n    task:`, "    target:"),
      (d) => /target/.test(typeof d.message === "string" ? d.message : d.message.value),
    );
    console.log(row("quick fix (missing field)", mlopsFix, yamlFix, 100));
    console.log(
      `(load average during the run: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}; figures include stdio round trips)`,
    );
  } finally {
    await mlops.stop();
    await yaml.stop();
  }
}
