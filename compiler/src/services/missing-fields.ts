/**
 * "Add the missing required fields": every required field a declaration
 * lacks, each with a value that type-checks there. Values are proposed from
 * what the program knows (a non-null column that fits the task as `target`, a
 * declared feature set as `features`, the first word of a vocabulary...) and
 * then checked on a copy of the program with the fields inserted; a value that
 * leaves an error is replaced by the next proposal. A field for which no
 * proposal checks is left out of the plain text and given an empty tab stop in
 * the snippet form, for the user to fill.
 */
import type { Range } from "../diagnostics/diagnostic.js";
import { proposals } from "./field-proposals.js";
import type { FieldSpec, Slot } from "../checker/schema.js";
import { BLOCK_FIELDS } from "../checker/schema.js";
import type { BlockSymbol } from "../checker/symbols.js";
import { typoTargets } from "../checker/values.js";
import { normalizePath } from "../host/paths.js";
import type { Program } from "../program/program.js";
import type { ProgramFile } from "../program/source-files.js";
import { LineMap } from "../syntax/line-map.js";
import { declarationErrors, programWithText } from "./what-if.js";

export interface MissingFieldsFix {
  /** The title of `text`: `Add the missing required fields of \`m\``, or which fields when some have no value that checks. */
  title: string;
  /** The title of `snippet` (which adds them all). */
  snippetTitle: string;
  file: string;
  /** Where the fields go (an empty range: an insertion). */
  range: Range;
  /** The fields with a value that type-checks; empty when no field has one. */
  text: string;
  /** Every missing field, each value a tab stop (an empty one where no value checks), in LSP snippet syntax. */
  snippet: string;
  /** The fields `text` leaves out: no proposed value type-checks there. */
  unresolved: string[];
}

/** At most this many what-if checks per fix (each checks one declaration). */
const MAX_ROUNDS = 8;

/** The fix for the declaration named at (or containing) `offset` of `file`, when it lacks required fields. */
export function missingFieldsFix(program: Program, file: string, offset: number): MissingFieldsFix | undefined {
  const path = normalizePath(file);
  const f = program.file(path);
  const symbol = f && blockAt(program, path, offset);
  if (!f || !symbol || symbol.isTemplate) return undefined;
  const missing = missingFields(program, symbol);
  if (missing.length === 0) return undefined;
  const close = symbol.node.bodySpan.end - 1;
  if (f.text[close] !== "}") return undefined;
  const layout = layoutFor(f, symbol, close);
  const options = missing.map((spec) => proposals(program, symbol, spec));
  const chosen = chooseValues(program, f, symbol, missing, options, layout);
  const added = missing.filter((_, i) => chosen[i] !== undefined);
  const unresolved = missing.filter((_, i) => chosen[i] === undefined).map((s) => s.name);
  const range = f.lineMap.range({ start: layout.at, end: layout.at });
  const all = `Add the missing required fields of \`${symbol.name}\``;
  const title = unresolved.length === 0 ? all : `Add ${added.map((s) => `\`${s.name}\``).join(", ")} to \`${symbol.name}\``;
  return {
    title,
    snippetTitle: all,
    file: path,
    range,
    text: added.length ? layout.render(added.map((spec) => ({ name: spec.name, value: chosen[missing.indexOf(spec)]! }))) : "",
    snippet: layout.render(missing.map((spec, i) => ({ name: spec.name, value: tabStop(i + 1, chosen[i], spec.slot) }))),
    unresolved,
  };
}

/** Required fields the merged declaration does not set (nor misspells: that is an unknown-field instead). */
function missingFields(program: Program, symbol: BlockSymbol): FieldSpec[] {
  const specs = BLOCK_FIELDS[symbol.declKind] ?? [];
  const present = [...(program.result(symbol).merged?.fields.keys() ?? [])];
  const typos = typoTargets(present, specs);
  return specs.filter((s) => s.required && !present.includes(s.name) && !typos.has(s.name));
}

function blockAt(program: Program, path: string, offset: number): BlockSymbol | undefined {
  const blocks = program.symbols().all.filter((s): s is BlockSymbol => s.kind === "block" && s.file.path === path);
  return (
    blocks.find((s) => s.node.name.span.start <= offset && offset <= s.node.name.span.end) ??
    blocks.find((s) => s.node.span.start <= offset && offset < s.node.span.end)
  );
}

interface Layout {
  /** Insertion offset. */
  at: number;
  render(fields: Array<{ name: string; value: string }>): string;
}

/** One `name = value` line per field, aligned, before the closing brace (on its own line when it is not already). */
function layoutFor(file: ProgramFile, symbol: BlockSymbol, close: number): Layout {
  const lineStart = file.text.lastIndexOf("\n", close - 1) + 1;
  const closingLineIsBare = file.text.slice(lineStart, close).trim() === "";
  const indent = memberIndent(file, symbol);
  // aligned with the fields already there, as `mlops fmt` aligns them
  const written = symbol.node.members.flatMap((m) => (m.kind === "Field" ? [m.name.name.length] : []));
  return {
    at: closingLineIsBare ? lineStart : close,
    render(fields) {
      const width = Math.max(...written, ...fields.map((f) => f.name.length));
      const lines = fields.map((f) => `${indent}${f.name.padEnd(width)} = ${f.value}\n`).join("");
      return closingLineIsBare ? lines : `\n${lines}`;
    },
  };
}

function memberIndent(file: ProgramFile, symbol: BlockSymbol): string {
  const first = symbol.node.members[0];
  if (first) {
    const lineStart = file.text.lastIndexOf("\n", first.span.start - 1) + 1;
    const lead = file.text.slice(lineStart, first.span.start);
    if (/^[ \t]*$/.test(lead)) return lead;
  }
  return "  ";
}

/**
 * For each missing field, the first proposal that leaves no error on its line once every field is
 * inserted (undefined when none does): inserts the current choices, checks the declaration on a
 * copy of the program, and moves each field with a new error to its next proposal.
 */
function chooseValues(
  program: Program,
  file: ProgramFile,
  symbol: BlockSymbol,
  missing: FieldSpec[],
  options: string[][],
  layout: Layout,
): Array<string | undefined> {
  const index = missing.map(() => 0);
  const before = new Set(
    program
      .result(symbol)
      .diagnostics.filter((d) => d.severity === "error" && d.code !== "missing-field")
      .map((d) => `${d.code}\u0000${d.message}`),
  );
  let values: Array<string | undefined> = [];
  let blamed = new Set<number>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    values = index.map((i, field) => options[field]![i]);
    const inserted = missing.flatMap((spec, i) => (values[i] === undefined ? [] : [{ field: i, name: spec.name, value: values[i]! }]));
    if (inserted.length === 0) return values;
    const text = layout.render(inserted);
    const edited = file.text.slice(0, layout.at) + text + file.text.slice(layout.at);
    const errors = declarationErrors(programWithText(program, file.path, edited), file.path, symbol.node.span.start);
    if (!errors) return missing.map(() => undefined);
    const firstLine = new LineMap(edited).position(layout.at + (text.startsWith("\n") ? 1 : 0)).line;
    blamed = new Set<number>();
    for (const error of errors) {
      if (error.code === "missing-field" || before.has(`${error.code}\u0000${error.message}`)) continue;
      const row = error.range.start.line - firstLine;
      const onLine = row >= 0 && row < inserted.length ? inserted[row] : undefined;
      if (onLine) blamed.add(onLine.field);
      else for (const entry of inserted) if (mentions(error.message, entry.value)) blamed.add(entry.field);
    }
    if (blamed.size === 0) return values;
    for (const field of blamed) index[field]!++;
  }
  // out of rounds: the fields the last check did not blame were checked with their values
  return values.map((value, field) => (blamed.has(field) ? undefined : value));
}

/** True when a message names the value (`s.y`, or its last segment in backquotes). */
function mentions(message: string, value: string): boolean {
  const last = value.split(".").pop() ?? value;
  return message.includes(`\`${value}\``) || message.includes(`\`${last}\``);
}

/** An LSP snippet tab stop: the checked value as its default, else an empty stop of the slot's shape. */
function tabStop(n: number, value: string | undefined, slot: Slot): string {
  if (value !== undefined) return `\${${n}:${value.replace(/[\\$}]/g, "\\$&")}}`;
  if (slot.kind === "string") return `"\${${n}}"`;
  return `\${${n}}`;
}
