import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Expr, FieldMember, SourceFile } from "../../src/syntax/ast.js";

const POSITION_KEYS = new Set(["span", "keywordSpan", "bodySpan", "operatorSpan"]);

/** The tree without positions, for comparing against expected JSON. */
export function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !POSITION_KEYS.has(key) && v !== undefined)
      .map(([key, v]) => [key, withoutSpans(v)]),
  );
}

/** Every `*.mlops` below the folders, skipping node_modules and dot folders. */
export function mlopsFiles(...roots: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".mlops")) found.push(path);
    }
  };
  for (const root of roots) walk(root);
  return found.sort();
}

/** The value of field `name` in the first block of the file. */
export function fieldValue(file: SourceFile, name: string): Expr {
  for (const declaration of file.declarations) {
    if (declaration.kind !== "Block") continue;
    const field = declaration.members.find((m): m is FieldMember => m.kind === "Field" && m.name.name === name);
    if (field) return field.value;
  }
  throw new Error(`no field ${name}`);
}

export const REPO = new URL("../../../", import.meta.url).pathname;
/** The project's copy of the team conformance corpus (tests read only files inside the repository). */
export const CONFORMANCE = `${REPO}test/corpus/conformance`;
