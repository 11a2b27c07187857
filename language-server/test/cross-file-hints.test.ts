/**
 * Hints that come from another file: a did-you-mean built from the names an
 * imported file declares follows that file as it is edited in the editor (the
 * importer is not touched), exactly as a fresh check of the same texts says.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { createProgram, LineMap, OverlayHost } from "@mlops/compiler";
import { NodeHost } from "@mlops/compiler/node";
import { buildServer, repoRoot } from "./support/build-server.js";
import { LspClient, messageText } from "./support/lsp-client.js";

const main = `pipeline shop {
  owner = "shop@example.com"
}

import "./models.mlops"

gate g {
  model = churn_clf_
  require auc >= 80%
}
`;
const models = `source orders {
  format = csv
  path   = "orders.csv"
  schema {
    total:   float
    churned: bool
  }
}

features f from orders {
  total_log = log1p(total)
}

model churn_clf {
  task     = binary_classification
  features = f
  target   = orders.churned
  trainer  = logistic_regression { epochs = 10 }
}
`;

let client: LspClient;
let dir: string;
let mainPath: string;
let modelsPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlops-ls-cross-hints-"));
  mainPath = join(dir, "main.mlops");
  modelsPath = join(dir, "models.mlops");
  writeFileSync(mainPath, main);
  writeFileSync(modelsPath, models);
  client = await LspClient.start(await buildServer(), { rootPath: dir });
});
afterAll(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What a fresh compilation of the two texts reports for main.mlops: code, message, hints and fixes. */
function fresh(modelsText: string): string[] {
  const host = new OverlayHost(
    (p) => (p === modelsPath ? modelsText : undefined),
    new NodeHost({ stdlibDir: join(repoRoot, "stdlib/std") }),
  );
  const program = createProgram({ host, rootFiles: [mainPath] });
  return program
    .diagnostics()
    .filter((d) => d.file === mainPath)
    .map(
      (d) => `${d.range.start.line}:${d.range.start.character} ${d.code} hints=${JSON.stringify(d.hints)} fixes=${JSON.stringify(d.fixes)}`,
    )
    .sort();
}

function seen(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .map((d) => {
      const data = (d.data ?? {}) as { fixes?: unknown; hints?: unknown };
      return `${d.range.start.line}:${d.range.start.character} ${d.code} hints=${JSON.stringify(data.hints ?? [])} fixes=${JSON.stringify(data.fixes ?? [])}`;
    })
    .sort();
}

const same = (a: string[], b: string[]): boolean => JSON.stringify(a) === JSON.stringify(b);

const suggests = (name: string) => (p: { diagnostics: Diagnostic[] }) =>
  p.diagnostics.some((d) => messageText(d).includes(`did you mean \`${name}\`?`));

describe("did-you-mean hints built from an imported file", () => {
  it("follow a rename in the imported file, keystroke by keystroke, without the importer being edited", async () => {
    const mainUri = await client.open(mainPath, main);
    await client.waitForDiagnostics(mainUri, suggests("churn_clf"));
    const modelsUri = await client.open(modelsPath, models);

    let text = models;
    let version = 1;
    const at = text.indexOf("model churn_clf") + "model ".length;
    // rename churn_clf → churn_model: backspace "clf", type "model"
    for (let end = at + "churn_clf".length; end > at + "churn_".length; end--) {
      const map = new LineMap(text);
      text = text.slice(0, end - 1) + text.slice(end);
      await client.change(modelsUri, ++version, [{ range: { start: map.position(end - 1), end: map.position(end) }, text: "" }]);
    }
    for (const [i, ch] of [..."model"].entries()) {
      const offset = at + "churn_".length + i;
      const map = new LineMap(text);
      text = text.slice(0, offset) + ch + text.slice(offset);
      await client.change(modelsUri, ++version, [{ range: { start: map.position(offset), end: map.position(offset) }, text: ch }]);
    }
    const expected = fresh(text);
    expect(expected.join("\n")).not.toContain("churn_clf");
    expect(expected.join("\n")).toContain("unknown-reference");
    // the server may publish for main.mlops between keystrokes (hints for `churn_cl`, `churn_m`...): wait for the last state
    const published = await client.waitForDiagnostics(mainUri, (p) => same(seen(p.diagnostics), expected));
    expect(seen(published)).toEqual(expected);
  });

  it("come back when the imported file's buffer is closed unsaved (the disk still says churn_clf)", async () => {
    const modelsUri = (await import("node:url")).pathToFileURL(modelsPath).href;
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: modelsUri } });
    const mainUri = (await import("node:url")).pathToFileURL(mainPath).href;
    const published = await client.waitForDiagnostics(mainUri, (p) => same(seen(p.diagnostics), fresh(models)));
    expect(seen(published).join("\n")).toContain("churn_clf");
  });

  it("stays up and quiet throughout", () => {
    expect(client.alive).toBe(true);
    expect(client.logs.filter((l) => l.includes("failed"))).toEqual([]);
  });
});
