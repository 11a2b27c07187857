/**
 * The `//~` corpus (LANGUAGE.md §5), checked in-process through the compiler API,
 * with the same rules as `shared/bin/conformance.mjs`: every error is marked,
 * every mark is reported, warnings only count when marked.
 *
 * A case is a `.mlops` file, or a folder holding `main.mlops` (multi-file cases:
 * `main.mlops` is the root; marks in every file of the folder count).
 * Also runs the shared conformance corpus (`../shared/conformance`, beside the checkout) when present.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createProgram, type Diagnostic } from "@mlops/compiler";
import { NodeHost } from "@mlops/compiler/node";

const here = fileURLToPath(new URL(".", import.meta.url));
const host = new NodeHost();

interface Mark {
  file: string;
  line: number;
  severity: string;
  code: string;
}

interface Case {
  name: string;
  root: string;
  files: string[];
}

function mlopsFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? mlopsFiles(p) : n.endsWith(".mlops") ? [p] : [];
    });
}

function cases(dir: string): Case[] {
  const out: Case[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) {
      if (existsSync(join(p, "main.mlops"))) out.push({ name: p, root: join(p, "main.mlops"), files: mlopsFiles(p) });
      else out.push(...cases(p));
    } else if (n.endsWith(".mlops")) out.push({ name: p, root: p, files: [p] });
  }
  return out;
}

function marks(file: string): Mark[] {
  const want: Mark[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      for (const m of line.matchAll(/\/\/~(\^*)\s+(?:(warning)\s+)?([a-z][a-z0-9-]*)/g)) {
        want.push({ file: resolve(file), line: i + 1 - m[1]!.length, severity: m[2] ?? "error", code: m[3]! });
      }
    });
  return want;
}

export function checkCase(c: Case): { problems: string[]; diagnostics: Diagnostic[] } {
  const want = c.files.flatMap(marks);
  const program = createProgram({ host, rootFiles: [resolve(c.root)] });
  const diagnostics = program.diagnostics();
  const key = (d: { severity: string; code: string; line: number; file: string }): string => `${d.severity} ${d.code} @${d.file}:${d.line}`;
  const got = diagnostics
    .filter((d) => d.severity === "error" || want.some((w) => w.severity === d.severity && w.code === d.code))
    .map((d) => ({ severity: d.severity, code: d.code, line: d.range.start.line + 1, file: resolve(d.file), message: d.message }));
  const left = [...got];
  const problems: string[] = [];
  for (const w of want) {
    const i = left.findIndex((g) => key(g) === key(w));
    if (i >= 0) left.splice(i, 1);
    else problems.push(`expected ${key(w)}, not reported`);
  }
  for (const g of left) problems.push(`unexpected ${key(g)}: ${g.message}`);
  return { problems, diagnostics };
}

const corpus = cases(join(here, "corpus"));

describe("project corpus", () => {
  it("has at least 80 cases and 3 per diagnostic id", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(80);
    const perCode = new Map<string, number>();
    for (const c of corpus) {
      const codes = new Set(c.files.flatMap(marks).map((m) => m.code));
      for (const code of codes) perCode.set(code, (perCode.get(code) ?? 0) + 1);
    }
    const ids = [
      "syntax-error",
      "unknown-reference",
      "duplicate-declaration",
      "unknown-field",
      "missing-field",
      "type-mismatch",
      "unit-mismatch",
      "out-of-range",
      "nullable-misuse",
      "enum-value",
      "cyclic-reference",
      "target-type",
      "metric-not-for-task",
      "drift-method-for-type",
      "drift-direction",
      "signature-mismatch",
      "invalid-cron",
      "secret-exposure",
      "unknown-import",
      "missing-pipeline",
      "unused-declaration",
    ];
    const thin = ids.filter((id) => (perCode.get(id) ?? 0) < 3).map((id) => `${id}: ${perCode.get(id) ?? 0}`);
    expect(thin).toEqual([]);
  });

  it.each(corpus.map((c) => [c.name.slice(here.length), c] as const))("%s", (_name, c) => {
    expect(checkCase(c).problems).toEqual([]);
  });

  it("valid cases have no errors at all", () => {
    const valid = corpus.filter((c) => c.name.includes(`${join("corpus", "valid")}`));
    expect(valid.length).toBeGreaterThanOrEqual(8);
    for (const c of valid) expect(checkCase(c).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});

const shared = join(here, "..", "..", "shared", "conformance");
if (!existsSync(shared)) console.log("skipped: the shared conformance corpus (../shared is not beside this checkout)");
describe.runIf(existsSync(shared))("shared conformance corpus (in-process)", () => {
  const sharedCases = existsSync(shared) ? mlopsFiles(shared).map((f) => ({ name: f, root: f, files: [f] })) : [];
  it.each(sharedCases.map((c) => [c.name.slice(shared.length), c] as const))("%s", (_name, c) => {
    expect(checkCase(c).problems).toEqual([]);
  });
});
