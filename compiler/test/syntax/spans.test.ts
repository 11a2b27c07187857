import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.js";
import type { Span } from "../../src/syntax/ast.js";
import { CONFORMANCE, REPO, mlopsFiles } from "./support.js";

const SPAN_KEYS = new Set(["span", "keywordSpan", "bodySpan", "operatorSpan"]);

interface Problem {
  path: string;
  problem: string;
}

/** Checks every node: a sane span inside its parent's, and identifiers that cover exactly their name. */
function spanProblems(text: string, root: unknown): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, parent: Span, path: string, quoted: boolean): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => visit(child, parent, `${path}[${i}]`, false));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    const span = record.span as Span | undefined;
    let inner = parent;
    if (span) {
      if (!(span.start <= span.end && span.start >= parent.start && span.end <= parent.end)) {
        problems.push({ path, problem: `span ${span.start}-${span.end} outside ${parent.start}-${parent.end}` });
      }
      inner = span;
      if (record.kind === "Identifier" && !quoted && text.slice(span.start, span.end) !== record.name) {
        problems.push({ path, problem: `identifier ${String(record.name)} covers "${text.slice(span.start, span.end)}"` });
      }
    }
    for (const [key, value] of Object.entries(record)) {
      if (SPAN_KEYS.has(key)) continue;
      visit(value, inner, `${path}.${key}`, key === "key" && record.quotedKey === true);
    }
  };
  visit(root, { start: 0, end: text.length }, "file", false);
  return problems;
}

describe("spans", () => {
  const files = [
    ...mlopsFiles(CONFORMANCE),
    ...mlopsFiles(`${REPO}compiler/test`),
    ...mlopsFiles(`${REPO}examples`),
    ...mlopsFiles(`${REPO}stdlib`),
  ];
  it.each(files)("every node of %s has a span inside its parent's", (path) => {
    const text = readFileSync(path, "utf8");
    const { file } = parse(text, path);
    expect(spanProblems(text, file.declarations)).toEqual([]);
    for (const comment of file.comments) expect(text.slice(comment.span.start, comment.span.end)).toBe(comment.text);
  });
});
