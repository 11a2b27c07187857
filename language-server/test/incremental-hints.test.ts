/**
 * Hints and quick fixes after incremental edits: a did-you-mean built from the
 * declared names must follow those names as they are edited, exactly as a
 * fresh check of the same text gives them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, Diagnostic } from "vscode-languageserver-protocol";
import { LineMap } from "@mlops/compiler";
import { buildServer, repoRoot } from "./support/build-server.js";
import { expectedDiagnostics } from "./support/expected.js";
import { LspClient, messageText } from "./support/lsp-client.js";

const fraud = readFileSync(join(repoRoot, "test/corpus/valid/fraud.mlops"), "utf8");
const typos = `${fraud}\nenv canary { replicai = 3 }\n\ngate g {\n  model = fraud_cl_\n  require auc >= 80%\n}\n`;

let client: LspClient;
let path: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "mlops-ls-hints-"));
  path = join(dir, "fraud.mlops");
  writeFileSync(path, typos);
  client = await LspClient.start(await buildServer(), { rootPath: dir });
});
afterAll(async () => {
  await client?.stop();
});

function seen(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .map((d) => {
      const data = d.data as { fixes?: unknown } | undefined;
      return `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message} ${JSON.stringify(data?.fixes ?? [])}`;
    })
    .sort();
}

describe("did-you-mean hints after incremental edits", () => {
  it("go away when the suggested names are renamed keystroke by keystroke, as a fresh check says", async () => {
    const uri = await client.open(path, typos);
    let version = 1;
    const first = await client.waitForDiagnostics(uri, (p) => p.version === 1);
    expect(first.map((d) => d.message).join("\n")).toContain("did you mean `fraud_clf`?");
    expect(first.map((d) => d.message).join("\n")).toContain("did you mean `replicas`?");

    let text = typos;
    /** Sends one keystroke: `insert` replaces the `remove` characters before offset `at`. */
    const keystroke = async (at: number, remove: number, insert: string): Promise<void> => {
      const map = new LineMap(text);
      text = text.slice(0, at - remove) + insert + text.slice(at);
      await client.change(uri, ++version, [{ range: { start: map.position(at - remove), end: map.position(at) }, text: insert }]);
    };
    for (const [anchor, name, renamed] of [
      ["model fraud_clf {", "fraud_clf", "fraud_model"],
      ["param replicas:", "replicas", "pod_count"],
    ] as const) {
      const nameStart = text.indexOf(anchor) + anchor.indexOf(name);
      // backspace the old name, then type the new one
      for (let end = nameStart + name.length; end > nameStart; end--) await keystroke(end, 1, "");
      for (let i = 0; i < renamed.length; i++) await keystroke(nameStart + i, 0, renamed[i]!);
    }
    const finalVersion = version;
    const published = await client.waitForDiagnostics(uri, (p) => p.version === finalVersion);
    expect(seen(published)).toEqual(seen(expectedDiagnostics(path, text)));
    const messages = published.map((d) => d.message).join("\n");
    expect(messages).not.toContain("did you mean `fraud_clf`?");
    expect(messages).not.toContain("did you mean `replicas`?");

    const unknownModel = published.find((d) => messageText(d).includes("`fraud_cl_`"));
    expect(unknownModel).toBeDefined();
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: unknownModel!.range,
      context: { diagnostics: [unknownModel] },
    });
    expect(actions.map((a) => a.title)).not.toContain("Change to `fraud_clf`");
  });
});
