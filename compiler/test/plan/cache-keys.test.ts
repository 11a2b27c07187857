/**
 * Cache keys hash what a step means, never how its source is spelled: `mlops fmt` (or any
 * re-spelling that keeps the tree) must not make `mlops run` redo validate … register.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { format, type Plan } from "@mlops/compiler";
import { compilePlan, corpusPrograms, repoRoot } from "./compile-plan.js";

function mlopsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return mlopsFiles(path);
    return name.endsWith(".mlops") ? [path] : [];
  });
}

/** Comparisons written tight on the right (`row_count >=1000`), as people type them. */
function respell(text: string): string {
  return text.replace(/ (>=|<=|==|!=|<|>) (?=[\w(])/g, " $1");
}

function cacheKeys(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.steps.map((step) => [step.id, step.cacheKey]));
}

/** A copy of `dir` with every `.mlops` file rewritten by `edit`; returns how many changed. */
function rewriteAll(dir: string, edit: (text: string, file: string) => string): number {
  let changed = 0;
  for (const file of mlopsFiles(dir)) {
    const text = readFileSync(file, "utf8");
    const next = edit(text, file);
    if (next !== text) changed++;
    writeFileSync(file, next);
  }
  return changed;
}

describe("cache keys", () => {
  const corpora = [
    ["the valid corpus", join(repoRoot, "test/corpus/valid")],
    ["the examples", join(repoRoot, "examples")],
  ] as const;

  it.each(corpora)("of %s are the same before and after `mlops fmt`", (_name, source) => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-keys-"));
    cpSync(source, dir, { recursive: true, filter: (path) => !path.includes("/.mlops") && !path.endsWith(".csv") });
    const programs = source.endsWith("examples")
      ? readdirSync(dir)
          .filter((name) => statSync(join(dir, name)).isDirectory())
          .map((name) => join(dir, name, `${name}.mlops`))
      : corpusPrograms(dir);
    expect(rewriteAll(dir, respell)).toBeGreaterThan(0);
    const before = programs.map((file) => cacheKeys(compilePlan(file)));
    const formatted = rewriteAll(dir, (text, file) => {
      const result = format(text, file);
      expect(result.diagnostics).toEqual([]);
      return result.text;
    });
    expect(formatted).toBeGreaterThan(0);
    const after = programs.map((file) => cacheKeys(compilePlan(file)));
    programs.forEach((file, i) => expect(after[i], file).toEqual(before[i]));
  });
});
