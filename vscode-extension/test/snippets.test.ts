import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import { expandSnippet } from "./support/snippet-expansion.js";
import { extensionRoot } from "./support/textmate.js";

interface Snippet {
  prefix: string;
  description: string;
  body: string[];
}

const snippets = JSON.parse(readFileSync(join(extensionRoot, "snippets", "mlops.json"), "utf8")) as Record<string, Snippet>;

describe("snippets", () => {
  it("cover every declaration kind the brief asks for", () => {
    expect(
      Object.values(snippets)
        .map((snippet) => snippet.prefix)
        .sort(),
    ).toEqual(["deploy", "env", "features", "gate", "model", "monitor", "param", "pipeline", "source", "template"]);
  });

  it("expand placeholders, choices and mirrors", () => {
    expect(expandSnippet('source ${1:name} {\n  format = ${2|csv,jsonl|}\n  path = "${3:data/${1}.${2}}"\n}$0')).toBe(
      'source name {\n  format = csv\n  path = "data/name.csv"\n}',
    );
  });

  it.each(Object.entries(snippets))("%s expands, with its defaults, to source the parser reads without errors", (_name, snippet) => {
    const text = expandSnippet(snippet.body.join("\n"));
    expect(text).not.toMatch(/\$\{?\d/);
    const { diagnostics } = parse(text, `${snippet.prefix}.mlops`);
    expect(
      diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`),
      text,
    ).toEqual([]);
  });
});
