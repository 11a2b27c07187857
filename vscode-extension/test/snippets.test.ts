// Declaration snippets come from the language server (compiler services), one completion item per
// keyword; the extension contributes no static snippets of its own, which would offer each keyword twice.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CompletionItem, completionsAt, createProgram, MemoryHost, parse } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import { expandSnippet } from "./support/snippet-expansion.js";
import { extensionRoot } from "./support/textmate.js";

const manifest = JSON.parse(readFileSync(join(extensionRoot, "package.json"), "utf8")) as { contributes: { snippets?: unknown[] } };

/** The top-level completion items of a file (the server's answer at the start of an empty line). */
function declarationItems(text: string): CompletionItem[] {
  const path = "/w/main.mlops";
  const program = createProgram({ host: new MemoryHost({ [path]: text }), rootFiles: [path] });
  return completionsAt(program, path, text.length);
}

const items = declarationItems("");

describe("snippets", () => {
  it("are not contributed by the extension: the server's completion is their one source", () => {
    expect(manifest.contributes.snippets).toBeUndefined();
  });

  it("cover every declaration kind, each keyword once", () => {
    expect(items.map((item) => item.label).sort()).toEqual([
      "deploy",
      "env",
      "features",
      "gate",
      "import",
      "model",
      "monitor",
      "notifier",
      "param",
      "pipeline",
      "source",
      "template",
    ]);
  });

  it("expand placeholders, choices and mirrors", () => {
    expect(expandSnippet('source ${1:name} {\n  format = ${2|csv,jsonl|}\n  path = "${3:data/${1}.${2}}"\n}$0')).toBe(
      'source name {\n  format = csv\n  path = "data/name.csv"\n}',
    );
  });

  it.each(items.map((item) => [item.label, item.snippet ?? ""] as const))(
    "%s expands, with its defaults, to source the parser reads without errors",
    (label, snippet) => {
      const text = expandSnippet(snippet);
      expect(text).not.toMatch(/\$\{?\d/);
      const { diagnostics } = parse(text, `${label}.mlops`);
      expect(
        diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`),
        text,
      ).toEqual([]);
    },
  );
});
