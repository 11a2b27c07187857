import { describe, expect, it } from "vitest";
import { MemoryHost } from "../../src/host/memory-host.js";
import { createProgram } from "../../src/program/program.js";
import { typeToString } from "../../src/checker/types.js";

const SOURCE = `pipeline p { owner = "x" }
source s {
  format = csv
  path = "d.csv"
  schema {
    x: float
    n: int
    c: enum("a", "b", "c")
    b: bool
    t: string
    t2: string?
    w: float?
    ts: timestamp
    d: date
  }
}
`;

/** The type of feature `e = EXPR` and the diagnostics of the program. */
function typeOf(expr: string): { type: string; codes: string[] } {
  const host = new MemoryHost({ "/t/a.mlops": `${SOURCE}features f from s {\n  e = ${expr}\n}\n` });
  const program = createProgram({ host, rootFiles: ["/t/a.mlops"] });
  const codes = program
    .diagnostics()
    .filter((d) => d.severity === "error")
    .map((d) => d.code);
  const set = program.results().find((r) => r.info.kind === "features")!.info;
  const t = set.kind === "features" ? set.features.get("e")!.type : undefined;
  return { type: t ? typeToString(t) : "?", codes };
}

describe("feature expression types", () => {
  it.each([
    ["x + 1", "float"],
    ["n + 1", "int"],
    ["n / 2", "float"],
    ["-n", "int"],
    ["log1p(x)", "float"],
    ["abs(n)", "int"],
    ["round(x)", "int"],
    ["clip(n, 0, 10)", "int"],
    ["clip(x, 0, 10)", "float"],
    ["max(n, x, 3)", "float"],
    ["x > 1 and not b", "bool"],
    ["if(b, n, x)", "float"],
    ["if(is_null(w), 0, w)", "float"],
    ["if(not is_null(w), w, 0.5)", "float"],
    ["coalesce(w, 0)", "float"],
    ['coalesce(t2, "none")', "string"],
    ["impute(w, median)", "float"],
    ["impute(t2, mode)", "string"],
    ["impute(w, 3)", "float"],
    ["lower(t)", "string"],
    ["len(t)", "int"],
    ['contains(t, "x")', "bool"],
    ["hour(ts)", "int"],
    ["month(d)", "int"],
    ["days_between(d, ts)", "int"],
    ["standardize(x)", "float"],
    ["min_max(n)", "float"],
    ["one_hot(c)", "vector<float, 3>"],
    ["one_hot(b)", "vector<float, 2>"],
    ["one_hot(t)", "vector<float, ?>"],
    ["one_hot(t2)", "vector<float, ?>"],
    ["hash_bucket(t, 32)", "vector<float, 32>"],
    ["bucketize(x, [0, 1, 10])", "vector<float, 4>"],
    ['c == "a"', "bool"],
    ["x * 10%", "float"],
  ])("%s : %s", (expr, type) => {
    expect(typeOf(expr)).toEqual({ type, codes: [] });
  });

  it.each([
    ["w + 1", "nullable-misuse"],
    ["w < 1", "nullable-misuse"],
    ["len(t2)", "nullable-misuse"],
    ["if(is_null(w), w + 1, 0)", "nullable-misuse"],
    ["x + t", "type-mismatch"],
    ["log(c)", "type-mismatch"],
    ["hour(d)", "type-mismatch"],
    ["one_hot(x)", "type-mismatch"],
    ["hash_bucket(t, n)", "type-mismatch"],
    ["impute(t, mean)", "type-mismatch"],
    ['c == "z"', "enum-value"],
    ['c < "a"', "type-mismatch"],
    ["if(n, 1, 2)", "type-mismatch"],
    ["clip(x, 1)", "type-mismatch"],
    ["x + 10ms", "type-mismatch"],
    ["nope(x)", "unknown-reference"],
    ['secret("a", "b")', "secret-exposure"],
  ])("%s is a %s", (expr, code) => {
    expect(typeOf(expr).codes).toEqual([code]);
  });

  it("widens an enum with a coalesce fallback and one_hot counts the new category", () => {
    expect(typeOf('one_hot(coalesce(c, "other"))').type).toBe("vector<float, 3>");
    const host = new MemoryHost({
      "/t/a.mlops": `${SOURCE.replace('c: enum("a", "b", "c")', 'c: enum("a", "b", "c")?')}features f from s {\n  e = one_hot(coalesce(c, "other"))\n  g = one_hot(c)\n}\n`,
    });
    const set = createProgram({ host, rootFiles: ["/t/a.mlops"] }).model().featureSets.f!;
    expect(set.features.map((f) => f.type)).toEqual([
      { kind: "vector", size: 4, nullable: false, labels: ["e=a", "e=b", "e=c", "e=other"] },
      { kind: "vector", size: 4, nullable: false, labels: ["g=a", "g=b", "g=c", "g=null"] },
    ]);
  });
});
