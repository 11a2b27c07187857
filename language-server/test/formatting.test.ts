import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TextEdit } from "vscode-languageserver-protocol";
import { format } from "@mlops/compiler";
import { applyEdits } from "../src/util/text-diff.js";
import { buildServer } from "./support/build-server.js";
import { CONFORMANCE, read } from "./support/fixtures.js";
import { LspClient } from "./support/lsp-client.js";

let client: LspClient;
const dir = mkdtempSync(join(tmpdir(), "mlops-ls-fmt-"));

beforeAll(async () => {
  client = await LspClient.start(await buildServer(), { rootPath: dir });
});
afterAll(async () => {
  await client?.stop();
});

/** The conformance file with its layout disturbed: indentation, spacing and alignment. */
function messUp(text: string): string {
  return text
    .replace(/^ {2}(\w)/gm, "      $1")
    .replace(/ += +/g, "=")
    .replace(/\{ /g, "{")
    .replace(/, /g, " ,  ");
}

async function openText(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, text);
  return client.open(path, text);
}

describe("formatting over stdio", () => {
  for (const name of ["fraud", "multiclass_batch", "pretrained_docker", "regression_local"]) {
    it(`formats ${name}.mlops exactly as the compiler's formatter`, async () => {
      const messy = messUp(read(join(CONFORMANCE, "valid", `${name}.mlops`)));
      const uri = await openText(`${name}.mlops`, messy);
      const edits = await client.request<TextEdit[]>("textDocument/formatting", {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      const expected = format(messy, join(dir, `${name}.mlops`));
      expect(expected.changed).toBe(true);
      expect(edits.length).toBeGreaterThan(0);
      expect(applyEdits(messy, edits)).toBe(expected.text);
    });
  }

  it("formats a range: only the declarations it touches", async () => {
    const text = 'pipeline p {\n      owner="a@b.c"\n}\n\nparam  n:int=2\nparam   m:int=3\n';
    const uri = await openText("range.mlops", text);
    const edits = await client.request<TextEdit[]>("textDocument/rangeFormatting", {
      textDocument: { uri },
      range: { start: { line: 4, character: 0 }, end: { line: 4, character: 3 } },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits).toHaveLength(1);
    expect(edits[0]!.range.start.line).toBe(4);
    const result = applyEdits(text, edits);
    const whole = format(text, "x.mlops").text.split("\n");
    expect(result.split("\n")[4]).toBe(whole.find((l) => l.startsWith("param n")));
    expect(result.split("\n").slice(0, 4)).toEqual(text.split("\n").slice(0, 4));
    expect(result.split("\n")[5]).toBe("param   m:int=3");
  });

  it("leaves a file with syntax errors alone", async () => {
    const uri = await openText("broken.mlops", "pipeline p {\n   owner = \n");
    const edits = await client.request<TextEdit[]>("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits).toEqual([]);
  });
});
