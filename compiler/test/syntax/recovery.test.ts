import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.js";
import type { BlockDeclaration } from "../../src/syntax/ast.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { CONFORMANCE, REPO, mlopsFiles } from "./support.js";

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");

/** `line:col-line:col message`, 1-based like an editor shows it. */
function line(d: Diagnostic): string {
  const { start, end } = d.range;
  return `${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1} ${d.message}`;
}

function declarationNames(text: string): string[] {
  return parse(text, "x.mlops").file.declarations.map((d) => (d.kind === "Block" ? `${d.keyword} ${d.name.name}` : d.kind));
}

describe("recovery", () => {
  it("reports one diagnostic per mistake, at the offending token, and keeps going", () => {
    const result = parse(fixture("recovery.mlops"), "recovery.mlops");
    expect(result.diagnostics.map(line)).toEqual(fixture("recovery.expected.txt").trimEnd().split("\n"));
    expect(result.diagnostics.every((d) => d.code === "syntax-error" && d.severity === "error" && d.file === "recovery.mlops")).toBe(true);
    const blocks = result.file.declarations as BlockDeclaration[];
    expect(blocks.map((b) => b.name.name)).toEqual(["p", "m", "k", "g"]);
    expect(result.diagnostics.find((d) => d.message.includes("`sourc`"))?.hints).toEqual(["did you mean `source`?"]);
    expect(blocks[0]!.members.map((m) => (m.kind === "Field" ? m.name.name : m.kind))).toEqual(["owner", "x", "z", "w", "q", "r", "ok"]);
    expect(blocks[2]!.members.map((m) => (m.kind === "Field" ? m.name.name : m.kind))).toEqual(["a", "s", "t"]);
    expect(blocks[3]!.members.map((m) => (m.kind === "Field" ? m.name.name : m.kind))).toEqual(["Require", "fine"]);
  });

  it("ends an unterminated string at the end of its line", () => {
    const result = parse('pipeline p {\n  a = "abc\n  b = 1\n}\n', "x.mlops");
    expect(result.diagnostics).toHaveLength(1);
    const block = result.file.declarations[0] as BlockDeclaration;
    expect(block.members[0]).toMatchObject({ kind: "Field", value: { kind: "String", value: "abc", terminated: false } });
    expect(block.members[1]).toMatchObject({ kind: "Field", name: { name: "b" } });
  });

  it("reports the syntax errors the conformance files mark, and only those", () => {
    for (const path of mlopsFiles(`${REPO}test/corpus`)) {
      const text = readFileSync(path, "utf8");
      const marked = text.split("\n").flatMap((l, i) => (/\/\/~\s*syntax-error/.test(l) ? [i] : []));
      const reported = parse(text, path).diagnostics.map((d) => d.range.start.line);
      expect(reported, path).toEqual(marked);
    }
  });

  it.each(mlopsFiles(`${CONFORMANCE}/valid`))("keeps every complete declaration of %s cut at any character", (path) => {
    const text = readFileSync(path, "utf8");
    const full = parse(text, "fraud.mlops").file.declarations;
    const starts = full.map((d) => d.span.start);
    const failures: string[] = [];
    for (let cut = 0; cut <= text.length; cut++) {
      // The text up to `cut`, then a line break, then the rest from the next declaration on.
      const resume = starts.find((s) => s > cut) ?? text.length;
      const spliced = `${text.slice(0, cut)}\n${text.slice(resume)}`;
      const expected = full
        .filter((d) => d.span.end <= cut || d.span.start >= resume)
        .map((d) => (d.kind === "Block" ? `${d.keyword} ${d.name.name}` : d.kind));
      const result = parse(spliced, "x.mlops");
      const got = new Set(result.file.declarations.map((d) => (d.kind === "Block" ? `${d.keyword} ${d.name.name}` : d.kind)));
      const missing = expected.filter((name) => !got.has(name));
      if (missing.length > 0 || result.diagnostics.length > 2)
        failures.push(`cut at ${cut}: missing ${missing.join(", ")}; ${result.diagnostics.length} diagnostics`);
    }
    expect(failures).toEqual([]);
  });

  it("reports a missing closing brace once, at the opening one, and resumes at the next declaration", () => {
    const result = parse("source s {\n  format = csv\n  schema {\n    a: int\n\nmodel m {\n  task = regression\n}\n", "x.mlops");
    expect(result.diagnostics.map(line)).toEqual(["3:10-3:11 `{` of `schema` is never closed: expected `}`"]);
    expect(declarationNames("source s {\n  format = csv\n  schema {\n    a: int\n\nmodel m {\n  task = regression\n}\n")).toEqual([
      "source s",
      "model m",
    ]);
  });

  it("caps nesting depth with a diagnostic instead of overflowing the stack", () => {
    for (const [open, close] of [
      ["(", ")"],
      ["[", "]"],
      ["{ a = ", "}"],
      ["f(", ")"],
      ["-", ""],
      ["not ", ""],
    ]) {
      const text = `features f from s {\n  x = ${open!.repeat(5000)}1${close!.repeat(5000)}\n  y = 2\n}\n`;
      const result = parse(text, "deep.mlops");
      expect(
        result.diagnostics.map((d) => d.message),
        open,
      ).toEqual(["expression nested too deeply (more than 100 levels)"]);
      const block = result.file.declarations[0] as BlockDeclaration;
      expect(block.members.map((m) => (m.kind === "Field" ? m.name.name : m.kind))).toEqual(["x", "y"]);
    }
  });
});
