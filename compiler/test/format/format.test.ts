import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { format } from "../../src/format/format.js";
import { printExpr } from "../../src/format/print-expr.js";
import { parse } from "../../src/syntax/parse.js";
import type { Expr } from "../../src/syntax/ast.js";
import { Layout } from "../../src/format/layout.js";
import { sameTree } from "../../src/format/same-tree.js";
import { REPO, mlopsFiles } from "../syntax/support.js";

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");

/**
 * The layout itself, without `format`'s safety net (which returns the input unchanged
 * if the layout ever changed meaning), so these properties test the real printer.
 */
function layout(text: string): string {
  const parsed = parse(text, "x.mlops");
  expect(parsed.diagnostics).toEqual([]);
  return new Layout(parsed.file).print();
}

describe("format", () => {
  it("prints the canonical layout and keeps every comment in place", () => {
    const result = format(fixture("comments.input.mlops"), "comments.mlops");
    expect(result.diagnostics).toEqual([]);
    expect(result.changed).toBe(true);
    expect(result.text).toBe(fixture("comments.expected.mlops"));
  });

  it("leaves a formatted file unchanged", () => {
    const text = fixture("comments.expected.mlops");
    expect(format(text, "x.mlops")).toEqual({ text, diagnostics: [], changed: false });
  });

  it("returns a file with syntax errors unchanged, with its diagnostics", () => {
    const text = "pipeline p {\n  owner = \n}\n";
    const result = format(text, "bad.mlops");
    expect(result.text).toBe(text);
    expect(result.changed).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["syntax-error"]);
  });

  it("aligns `=` in blocks and records, column types in schemas, drift rules and when arrows", () => {
    const text =
      'source s {\n  format = csv\n  path_long = "x"\n  schema {\n    a: int\n    long_name: string? unique\n  }\n}\n' +
      'monitor m {\n  drift a: psi > 0.1\n  drift long_name: ks < 0.05\n  when x > 1 => alert("a")\n  when long_metric > 1 => retrain(m)\n}\n';
    expect(layout(text)).toBe(
      'source s {\n  format    = csv\n  path_long = "x"\n  schema {\n    a:         int\n    long_name: string? unique\n  }\n}\n' +
        'monitor m {\n  drift a:         psi > 0.1\n  drift long_name: ks < 0.05\n  when x > 1           => alert("a")\n  when long_metric > 1 => retrain(m)\n}\n',
    );
  });

  it("puts one member per line, drops trailing commas and keeps at most one blank line", () => {
    const text = "env prod { a = 1, b = [1, 2,], }\n\n\n\nparam x: int = 1\n";
    expect(layout(text)).toBe("env prod {\n  a = 1\n  b = [1, 2]\n}\n\nparam x: int = 1\n");
  });

  it("keeps multi-line records and lists multi-line, one item per line", () => {
    const text = "deploy d {\n  target = kubernetes {\n    cpu = 1, memory = 2Gi }\n  steps = [\n    1, 2]\n}\n";
    expect(layout(text)).toBe(
      "deploy d {\n  target = kubernetes {\n    cpu    = 1\n    memory = 2Gi\n  }\n  steps  = [\n    1,\n    2\n  ]\n}\n",
    );
  });

  it("writes line feeds for a CRLF file, inside kept-as-written expressions too", () => {
    const text = 'pipeline p {\r\n  owner = "x" // c\r\n\r\n\r\n  b = f(1, // c2\r\n    2)\r\n}\r\n';
    expect(format(text, "crlf.mlops").text).toBe('pipeline p {\n  owner = "x" // c\n\n  b     = f(1, // c2\n    2)\n}\n');
  });

  const corpus = mlopsFiles(REPO).filter((path) => !path.includes("/test/syntax/fixtures/recovery"));
  it.each(corpus)("is idempotent and meaning-preserving on %s", (path) => {
    const text = readFileSync(path, "utf8");
    const input = parse(text, path);
    if (input.diagnostics.length > 0) return;
    const once = new Layout(input.file).print();
    const reparsed = parse(once, path);
    expect(reparsed.diagnostics).toEqual([]);
    expect(sameTree(input.file, reparsed.file)).toBe(true);
    expect(new Layout(reparsed.file).print()).toBe(once);
    expect(format(text, path).text).toBe(once);
  });
});

describe("printExpr", () => {
  const name = (n: string): Expr => ({
    kind: "Name",
    name: { kind: "Identifier", name: n, span: { start: 0, end: 0 } },
    span: { start: 0, end: 0 },
  });
  const binary = (operator: "+" | "-" | "*" | "and" | "or", left: Expr, right: Expr): Expr => ({
    kind: "Binary",
    operator,
    operatorSpan: { start: 0, end: 0 },
    left,
    right,
    span: { start: 0, end: 0 },
  });

  it("prints parsed expressions canonically", () => {
    const file = parse('features f from s {\n  x = -(a+b)*c/d-not_x.y(z=1,"s\\n")  >=  {k=1,"K"=[1,2,]}\n}\n', "x.mlops").file;
    const block = file.declarations[0]!;
    const field = block.kind === "Block" ? block.members[0]! : undefined;
    expect(field?.kind === "Field" && printExpr(field.value)).toBe('-(a + b) * c / d - not_x.y(z = 1, "s\\n") >= { k = 1, "K" = [1, 2] }');
  });

  it("adds the parentheses a hand-built tree needs", () => {
    expect(printExpr(binary("*", binary("+", name("a"), name("b")), name("c")))).toBe("(a + b) * c");
    expect(printExpr(binary("-", name("a"), binary("-", name("b"), name("c"))))).toBe("a - (b - c)");
    expect(printExpr(binary("and", binary("or", name("a"), name("b")), name("c")))).toBe("(a or b) and c");
    expect(printExpr(binary("+", binary("+", name("a"), name("b")), name("c")))).toBe("a + b + c");
  });

  it("re-escapes strings built without source text", () => {
    const literal: Expr = { kind: "String", value: 'a"b\\c\n$', terminated: true, span: { start: 0, end: 0 } };
    expect(printExpr(literal)).toBe('"a\\"b\\\\c\\n\\$"');
  });
});
