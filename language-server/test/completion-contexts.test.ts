/**
 * Completion over stdio in the places that used to offer nothing or too much:
 * `import "./` lists the workspace's files, each keyword comes once (a snippet
 * only for a client that takes snippets), strategies only inside `impute(`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionItem, CompletionList, Position } from "vscode-languageserver-protocol";
import { buildServer } from "./support/build-server.js";
import { LspClient } from "./support/lsp-client.js";

const main = `pipeline p {
  owner = "x"
}

import "./lib/sources.mlops"

features f from s {
  a = impute(amount, )
  b = log1p(count)
}

model m {
  task     = binary_classification
  features = [f, ]
  target   = s.y
  trainer  = logistic_regression {}
}

gate g {
  model = m
  require demographic_parity_difference(by = ) <= 0.1
}
`;
const sources = `source s {
  format = csv
  path   = "d.csv"
  schema {
    amount:  float?
    count:   int
    country: string
    y:       bool
  }
  expect {
    null_rate() <= 5%
  }
}
`;

let dir: string;
let withSnippets: LspClient;
let plainText: LspClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlops-ls-completion-"));
  mkdirSync(join(dir, "lib"));
  mkdirSync(join(dir, "other"));
  writeFileSync(join(dir, "main.mlops"), main);
  writeFileSync(join(dir, "lib", "sources.mlops"), sources);
  writeFileSync(join(dir, "other", "common.mlops"), "param shared: int = 1\n");
  const server = await buildServer();
  withSnippets = await LspClient.start(server, { rootPath: dir });
  plainText = await LspClient.start(server, { rootPath: dir, snippetCompletions: false });
});
afterAll(async () => {
  await withSnippets?.stop();
  await plainText?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function itemsAt(client: LspClient, file: string, text: string, needle: string, delta: number): Promise<CompletionItem[]> {
  const uri = await client.open(join(dir, file), text);
  const offset = text.indexOf(needle) + delta;
  const before = text.slice(0, offset);
  const position: Position = { line: before.split("\n").length - 1, character: offset - before.lastIndexOf("\n") - 1 };
  const result = await client.request<CompletionList>("textDocument/completion", { textDocument: { uri }, position });
  return result.items;
}

const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);

describe("completion over stdio", () => {
  it('lists the workspace files relative to the importing file in `import "`, replacing what is typed', async () => {
    const text = `${main}\nimport "./o\n`;
    const items = await itemsAt(withSnippets, "main.mlops", text, 'import "./o', 'import "./o'.length);
    expect(labels(items)).toEqual(["./other/common.mlops"]);
    const edit = items[0]!.textEdit as { range: { start: Position; end: Position }; newText: string };
    expect(edit.newText).toBe("./other/common.mlops");
    expect(edit.range.end.character - edit.range.start.character).toBe("./o".length);
  });

  it("offers each declaration keyword once: a snippet for a snippet client, the bare keyword otherwise", async () => {
    const text = `${main}\n\n`;
    const snippets = await itemsAt(withSnippets, "main.mlops", text, "\n\n\n", 2);
    const names = labels(snippets);
    expect(names).toEqual(["import", "param", "env", "source", "features", "model", "gate", "deploy", "monitor", "notifier", "template"]);
    expect(snippets.find((i) => i.label === "gate")?.insertTextFormat).toBe(2);
    const plain = await itemsAt(plainText, "main.mlops", text, "\n\n\n", 2);
    expect(labels(plain)).toEqual(names);
    expect(plain.every((i) => i.insertTextFormat !== 2 && i.insertText === `${i.label} `)).toBe(true);
  });

  it("offers impute strategies only inside impute(, columns inside null_rate(, and group columns after by =", async () => {
    expect(labels(await itemsAt(withSnippets, "main.mlops", main, "impute(amount, )", "impute(amount, ".length))).toEqual([
      "mean",
      "median",
      "mode",
    ]);
    expect(labels(await itemsAt(withSnippets, "main.mlops", main, "log1p(count)", "log1p(".length))).not.toContain("median");
    expect(labels(await itemsAt(withSnippets, "main.mlops", main, "(by = )", "(by = ".length))).toEqual(["country", "y"]);
    expect(labels(await itemsAt(withSnippets, "main.mlops", main, "features = [f, ]", "features = [f, ".length))).toEqual(["f", "s"]);
    expect(labels(await itemsAt(withSnippets, "lib/sources.mlops", sources, "null_rate()", "null_rate(".length))).toEqual([
      "amount",
      "count",
      "country",
      "y",
    ]);
  });

  it("offers types in a schema and after `param NAME:`, and durations in `every(`", async () => {
    const schema = sources.replace("    y:       bool\n", "    y:       bool\n    z: \n");
    expect(labels(await itemsAt(withSnippets, "lib/sources.mlops", schema, "    z: ", "    z: ".length))).toEqual([
      "int",
      "float",
      "bool",
      "string",
      "timestamp",
      "date",
      "enum",
    ]);
    const param = `${main}\nparam retries: \n`;
    expect(labels(await itemsAt(withSnippets, "main.mlops", param, "param retries: ", "param retries: ".length))).toContain("duration");
    const monitored = `${main}\ndeploy d {\n  model  = m\n  target = local { port = 8080 }\n}\n\nmonitor mo {\n  deployment = d\n  reference  = training\n  schedule   = every()\n}\n`;
    expect(labels(await itemsAt(withSnippets, "main.mlops", monitored, "every()", "every(".length))).toEqual([
      "15m",
      "1h",
      "6h",
      "1d",
      "7d",
    ]);
  });

  it("stays up and quiet throughout", () => {
    expect(withSnippets.alive && plainText.alive).toBe(true);
    expect([...withSnippets.logs, ...plainText.logs].filter((l) => l.includes("failed"))).toEqual([]);
  });
});
