import type { TextEdit } from "vscode-languageserver";
import { BLOCK_FIELDS, type BlockDeclaration, type FieldSpec, type Slot, type SourceFile } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";

/**
 * Edits that add every required field `block` lacks (fields inherited from a
 * template of the same file count as set), each with a placeholder value of
 * the right kind, before the block's closing brace.
 */
export function missingFieldEdits(doc: ParsedDocument, block: BlockDeclaration): TextEdit[] {
  const specs = BLOCK_FIELDS[block.keyword] ?? [];
  const set = new Set(fieldsOf(doc.file, block, new Set()));
  const missing = specs.filter((f) => f.required && !set.has(f.name));
  if (missing.length === 0) return [];
  const close = block.bodySpan.end - 1;
  if (doc.text[close] !== "}") return [];
  const lineStart = doc.text.lastIndexOf("\n", close - 1) + 1;
  const indent = fieldIndent(doc, block);
  const width = Math.max(...missing.map((f) => f.name.length));
  const lines = missing.map((f) => `${indent}${f.name.padEnd(width)} = ${placeholder(doc.file, f.slot, f.name)}\n`).join("");
  const closingLineIsBare = doc.text.slice(lineStart, close).trim() === "";
  const at = closingLineIsBare ? lineStart : close;
  return [{ range: { start: doc.lineMap.position(at), end: doc.lineMap.position(at) }, newText: closingLineIsBare ? lines : `\n${lines}` }];
}

function fieldsOf(file: SourceFile, block: BlockDeclaration, seen: Set<string>): string[] {
  const own = block.members.flatMap((m) => (m.kind === "Field" ? [m.name.name] : []));
  if (!block.extends || seen.has(block.extends.name)) return own;
  seen.add(block.extends.name);
  const parent = file.declarations.find(
    (d): d is BlockDeclaration => d.kind === "Block" && d.isTemplate && d.name.name === block.extends!.name,
  );
  return parent ? [...own, ...fieldsOf(file, parent, seen)] : own;
}

function fieldIndent(doc: ParsedDocument, block: BlockDeclaration): string {
  const first = block.members[0];
  if (first) {
    const lineStart = doc.text.lastIndexOf("\n", first.span.start - 1) + 1;
    const lead = doc.text.slice(lineStart, first.span.start);
    if (/^[ \t]*$/.test(lead)) return lead;
  }
  return "  ";
}

function firstOf(file: SourceFile, keyword: BlockDeclaration["keyword"]): BlockDeclaration | undefined {
  return file.declarations.find((d): d is BlockDeclaration => d.kind === "Block" && d.keyword === keyword && !d.isTemplate);
}

/** A value of the slot's kind, preferably naming something that exists in the file. */
export function placeholder(file: SourceFile, slot: Slot, name: string): string {
  switch (slot.kind) {
    case "string":
      return '""';
    case "int":
      return name === "port" ? "8080" : String(slot.min ?? 0);
    case "number":
      return String(slot.min ?? 0);
    case "bool":
      return "false";
    case "quantity":
      return { duration: "1d", cpu: "500m", memory: "512Mi", ratio: "50%" }[slot.unit];
    case "word":
      return Object.keys(slot.values)[0] ?? "";
    case "ref":
      return firstOf(file, slot.declKind)?.name.name ?? slot.declKind;
    case "list":
      return "[]";
    case "record":
      return recordPlaceholder(file, slot.fields);
    case "constructor": {
      const [variant, spec] = Object.entries(slot.variants)[0] ?? ["", { fields: [] as FieldSpec[] }];
      const body = spec.fields.filter((f) => f.required).map((f) => `${f.name} = ${placeholder(file, f.slot, f.name)}`);
      return body.length ? `${variant} { ${body.join(", ")} }` : `${variant} {}`;
    }
    case "schedule":
      return "every(1d)";
    case "model-features":
      return firstOf(file, "features")?.name.name ?? "[]";
    case "target-column": {
      const source = firstOf(file, "source");
      const column = source?.members.flatMap((m) => (m.kind === "Schema" ? m.columns : []))[0];
      return source && column ? `${source.name.name}.${column.name.name}` : "source.column";
    }
    case "reference":
      return "training";
  }
}

function recordPlaceholder(file: SourceFile, fields: FieldSpec[]): string {
  const body = fields.filter((f) => f.required).map((f) => `${f.name} = ${placeholder(file, f.slot, f.name)}`);
  return body.length ? `{ ${body.join(", ")} }` : "{}";
}
