import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.js";
import type { BlockDeclaration, Expr, SourceFile } from "../../src/syntax/ast.js";
import { CONFORMANCE, fieldValue, withoutSpans } from "./support.js";

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");

function parseClean(text: string): SourceFile {
  const result = parse(text, "test.mlops");
  expect(result.diagnostics).toEqual([]);
  return result.file;
}

function expr(source: string): Expr {
  return fieldValue(parseClean(`features f from s {\n  x = ${source}\n}\n`), "x");
}

/** Compact rendering of an expression tree to check structure at a glance. */
function shape(e: Expr): string {
  switch (e.kind) {
    case "Binary":
      return `(${shape(e.left)} ${e.operator} ${shape(e.right)})`;
    case "Unary":
      return `(${e.operator} ${shape(e.operand)})`;
    case "Paren":
      return `[${shape(e.expr)}]`;
    case "Name":
      return e.name.name;
    case "Number":
      return e.raw + (e.unit ?? "");
    case "Member":
      return `${shape(e.object)}.${e.property.name}`;
    case "Call":
      return `${shape(e.callee)}(${e.args.map((a) => (a.name ? `${a.name.name}=` : "") + shape(a.value)).join(",")})`;
    default:
      return e.kind;
  }
}

describe("parse: every construct", () => {
  it("matches the expected tree for the constructs fixture", () => {
    const file = parseClean(fixture("constructs.mlops"));
    expect(withoutSpans(file.declarations)).toEqual(JSON.parse(fixture("constructs.expected.json")));
  });

  it("parses every valid conformance file without diagnostics", () => {
    for (const name of ["fraud", "multiclass_batch", "pretrained_docker", "regression_local"]) {
      const text = readFileSync(`${CONFORMANCE}/valid/${name}.mlops`, "utf8");
      expect(parse(text, name).diagnostics, name).toEqual([]);
    }
  });
});

describe("parse: expressions", () => {
  it.each([
    ["a or b and c", "(a or (b and c))"],
    ["not a and b", "((not a) and b)"],
    ["not a == b", "(not (a == b))"],
    ["a + b * c - d", "((a + (b * c)) - d)"],
    ["a - b - c", "((a - b) - c)"],
    ["-a * b", "((- a) * b)"],
    ["- -a", "(- (- a))"],
    ["2026 - x", "(2026 - x)"],
    ["(a + b) * c", "([(a + b)] * c)"],
    ["a.b.c(d, by = e).f", "a.b.c(d,by=e).f"],
    ["auc >= champion.auc - 0.01", "(auc >= (champion.auc - 0.01))"],
    ["hour < 6 or hour >= 22", "((hour < 6) or (hour >= 22))"],
    ["f(\n  a,\n  b\n)", "f(a,b)"],
    ["(a\n + b)", "[(a + b)]"],
  ])("%s", (source, expected) => {
    expect(shape(expr(source))).toBe(expected);
  });

  it.each([
    ["500m", "500", "m", 500, true],
    ["512Mi", "512", "Mi", 512, true],
    ["70%", "70", "%", 70, true],
    ["1.5", "1.5", undefined, 1.5, false],
    ["1e-3", "1e-3", undefined, 0.001, false],
    ["20ms", "20", "ms", 20, true],
    ["1Gi", "1", "Gi", 1, true],
    ["0.5h", "0.5", "h", 0.5, false],
  ])("quantity %s", (source, raw, unit, value, isInteger) => {
    const literal = expr(source);
    expect(literal).toMatchObject({ kind: "Number", raw, value, isInteger });
    expect(literal.kind === "Number" ? literal.unit : "not a number").toBe(unit);
  });

  it("cooks string escapes and parses interpolations", () => {
    const literal = expr(`${String.raw`"a\n\t\"\\\u{41}\$`}\${params.region}-api"`);
    expect(literal).toMatchObject({ kind: "String", value: 'a\n\t"\\A$${params.region}-api', terminated: true });
    const parts = literal.kind === "String" ? (literal.parts ?? []) : [];
    expect(parts.map((p) => p.kind)).toEqual(["Text", "Interpolation", "Text"]);
    const interpolation = parts[1];
    expect(interpolation?.kind === "Interpolation" && shape(interpolation.expr)).toBe("params.region");
  });

  it("parses nested strings inside interpolations", () => {
    const literal = expr(`"x\${f("\${a}")}y"`);
    expect(literal.kind === "String" && literal.parts?.length).toBe(3);
  });

  it("builds constructors, records and lists with trailing commas", () => {
    const value = expr("canary { steps = [10%, 50%,], interval = 10m, }");
    expect(value.kind).toBe("Constructor");
    if (value.kind !== "Constructor") return;
    expect(value.name.name).toBe("canary");
    expect(value.body.fields.map((f) => f.key.name)).toEqual(["steps", "interval"]);
    const steps = value.body.fields[0]!.value;
    expect(steps.kind === "List" && steps.elements.length).toBe(2);
  });

  it("separates record fields by line breaks, also inside parentheses", () => {
    const value = expr("f({\n  a = 1\n  b = 2\n})");
    expect(value.kind === "Call" && value.args[0]!.value.kind === "Record" && value.args[0]!.value.fields.length).toBe(2);
  });
});

describe("parse: declarations and statements", () => {
  it("lets keywords be names where the grammar allows", () => {
    const file = parseClean(
      "features f from s {\n  month = month(sold_at)\n  source = 1\n  model = 2\n  schema = 3\n  require = 4\n  when = 5\n  drift = 6\n}\n",
    );
    const block = file.declarations[0] as BlockDeclaration;
    expect(block.members.map((m) => (m.kind === "Field" ? m.name.name : m.kind))).toEqual([
      "month",
      "source",
      "model",
      "schema",
      "require",
      "when",
      "drift",
    ]);
  });

  it("attaches doc comments to declarations, fields and columns", () => {
    const file = parseClean(
      "/// First.\n/// Second.\nsource s {\n  /// The format.\n  format = csv\n  schema {\n    /// A column.\n    a: int\n  }\n}\n\n/// Detached.\n\nparam p: int = 1\n",
    );
    const block = file.declarations[0] as BlockDeclaration;
    expect(block.doc).toBe("First.\nSecond.");
    expect(block.members[0]).toMatchObject({ kind: "Field", doc: "The format." });
    expect(block.members[1]!.kind === "Schema" && block.members[1]!.columns[0]!.doc).toBe("A column.");
    expect(file.declarations[1]!.doc).toBeUndefined();
    expect(file.comments.map((c) => c.style)).toEqual(["doc", "doc", "doc", "doc", "doc"]);
  });

  it("reads a separator comma as transparent to doc comments, as the formatter drops it", () => {
    const file = parseClean(
      "source s {\n  schema {\n    a: int\n    , /// B.\n    b: int\n    /// C.\n    ,c: int\n    d: int, /// trailing\n    e: int\n  }\n}\n",
    );
    const schema = (file.declarations[0] as BlockDeclaration).members[0]!;
    const docs = schema.kind === "Schema" ? schema.columns.map((c) => c.doc) : [];
    expect(docs).toEqual([undefined, "B.", "C.", undefined, undefined]);
  });

  it("records UTF-16 spans", () => {
    const text = 'pipeline p {\n  owner = "😀"\n  x = 1\n}\n';
    const file = parseClean(text);
    const block = file.declarations[0] as BlockDeclaration;
    const field = block.members[1]!;
    expect(text.slice(field.span.start, field.span.end)).toBe("x = 1");
    expect(text.slice(block.name.span.start, block.name.span.end)).toBe("p");
    expect(text.slice(block.bodySpan.start, block.bodySpan.end)).toBe(text.slice(11, -1));
    expect(text.slice(block.keywordSpan.start, block.keywordSpan.end)).toBe("pipeline");
  });

  it("reads drift targets, including `*`, and when policies", () => {
    const file = parseClean("monitor m {\n  drift *: auto\n  drift amount: psi > 0.2\n  when x >= 30% => retrain(m)\n}\n");
    const members = (file.declarations[0] as BlockDeclaration).members;
    expect(members[0]).toMatchObject({ kind: "Drift", target: { name: "*" } });
    expect(members[1]!.kind === "Drift" && shape(members[1]!.rule)).toBe("(psi > 0.2)");
    expect(members[2]!.kind === "When" && shape(members[2]!.action)).toBe("retrain(m)");
  });
});
