/**
 * Context-aware completion: fields of this block kind not yet set, columns of
 * the bound source, features, metrics valid for the model's task, drift methods
 * for the column's type, units for the slot after a number, enum values,
 * declaration names of the expected kind, `params.` members, stdlib modules.
 */
import {
  AGGREGATES,
  AUTO_DRIFT_DOC,
  DRIFT_METHODS,
  FEATURE_FUNCTIONS,
  IMPUTE_STRATEGIES,
  METRICS,
  MONITOR_ACTIONS,
  MONITOR_SIGNALS,
  metricsForTask,
} from "../checker/catalog.js";
import type { ColumnInfo, FeatureInfo, FeatureSetInfo, ModelInfo, SourceInfo } from "../checker/infos.js";
import type { FieldSpec, Slot } from "../checker/schema.js";
import { BLOCK_FIELDS, BLOCK_STATEMENTS, slotToString } from "../checker/schema.js";
import type { BlockSymbol } from "../checker/symbols.js";
import type { DeclKind, Type } from "../checker/types.js";
import { DECL_KIND_NAMES, isCategorical, isNumeric, typeToString } from "../checker/types.js";
import { UNIT_DOCS, validUnits } from "../checker/units.js";
import { placeholder } from "../checker/values.js";
import { dirname, normalizePath, relativePath } from "../host/paths.js";
import type { Program } from "../program/program.js";
import type { BlockDeclaration, Declaration } from "../syntax/ast.js";
import type { QuantityKind } from "../checker/units.js";
import { declarationItems } from "./declaration-snippets.js";

export type CompletionKind =
  | "field"
  | "column"
  | "feature"
  | "metric"
  | "drift-method"
  | "unit"
  | "enum-value"
  | "declaration"
  | "keyword"
  | "param"
  | "module"
  | "function"
  | "signal";

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert when it differs from the label (`epochs = `). */
  insertText?: string;
  /** The same in LSP snippet syntax, for clients that take snippets (a whole declaration, `enum("${1:a}")`). */
  snippet?: string;
  /** The offsets the item replaces when it is more than the word before the cursor (a path in `import "./`). */
  replace?: { start: number; end: number };
}

export interface CompletionOptions {
  /** Every `.mlops` file of the project (absolute paths), for `import "./`. */
  projectFiles?: readonly string[];
}

export function completionsAt(program: Program, file: string, offset: number, options: CompletionOptions = {}): CompletionItem[] {
  const path = normalizePath(file);
  const f = program.file(path);
  if (!f) return [];
  const text = f.text;
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const prefix = text.slice(lineStart, offset);
  const imported = prefix.match(/^\s*import\s+"([^"]*)$/);
  if (imported) return importPaths(program, path, imported[1]!, offset, options.projectFiles ?? []);
  const block = enclosingBlock(f.ast.declarations, offset, text);
  const c = new Completer(
    program,
    block ? (program.symbols().all.find((s) => s.kind === "block" && s.node === block) as BlockSymbol | undefined) : undefined,
  );

  let m: RegExpMatchArray | null;
  if ((m = prefix.match(/params\.(\w*)$/))) return c.params();
  if ((m = prefix.match(/champion\.(\w*)$/))) return c.metrics(c.gateModel());
  if ((m = prefix.match(/import\s+std\.(\w*)$/)))
    return program.host.stdlibModules().map((name) => ({ label: name, kind: "module", detail: `std.${name}` }));
  if (!block) {
    if ((m = prefix.match(/\bextends\s+(\w*)$/))) {
      const kind = prefix.match(/^\s*(?:template\s+)?(\w+)/)?.[1] as DeclKind | undefined;
      return c.declarations(kind ?? "deploy", true);
    }
    if ((m = prefix.match(/\bfrom\s+(\w*)$/))) return c.declarations("source");
    if (/^\s*param\s+\w+\s*:\s*\w*$/.test(prefix)) return typeItems(PARAM_TYPES);
    if (/^\s*\w*$/.test(prefix) && !insideDeclaration(f.ast.declarations, lineStart, offset)) return declarationItems(program);
    return [];
  }
  if ((m = prefix.match(/(\w+)\.(\w*)$/))) return c.members(m[1]!);
  if ((m = prefix.match(/(\w+)\s*[!=]=\s*"[^"]*$/))) return c.enumValues(m[1]!);
  if (/\bevery\(\s*$/.test(prefix)) return DURATION_EXAMPLES;
  if ((m = prefix.match(/\bevery\(\s*\d+(?:\.\d+)?([A-Za-z]*)$/))) return c.unitsOf("duration", m[1]!);
  if (block.keyword === "source" && /^\s*\w+\s*:\s*\w*$/.test(prefix) && insideStatement(text, block, offset, "schema"))
    return typeItems(COLUMN_TYPES);
  if (/\(\s*by\s*=\s*\w*$/.test(prefix) && (block.keyword === "gate" || block.keyword === "monitor")) return c.groupColumns();
  if (block.keyword === "model" && /\bfeatures\s*=\s*\[(?:[^\]]*,)?\s*\w*$/.test(prefix)) return c.modelInputs();
  if (
    (m = prefix.match(/(?:^|[^\w.])(\d+(?:\.\d+)?)([A-Za-z%]*)$/)) &&
    !/[A-Za-z_]\d*$/.test(prefix.slice(0, prefix.length - m[0].length + 1))
  ) {
    const key = prefix.match(/(\w+)\s*=\s*[^=]*$/)?.[1];
    const metric = prefix.match(/^\s*(?:require|when)\s+(\w+)/)?.[1];
    return c.units([...recordPath(text, block, offset), ...(key ? [key] : [])], m[2] ?? "", metric);
  }
  const kind = block.keyword;
  if (kind === "gate" && (m = prefix.match(/^\s*require\s+\w*$/))) return c.metrics(c.gateModel());
  if (kind === "monitor") {
    if ((m = prefix.match(/^\s*drift\s+[\w*]*$/))) return c.driftTargets();
    if ((m = prefix.match(/^\s*drift\s+(\w+)\s*:\s*\w*$/))) return c.driftMethods(m[1]!);
    if ((m = prefix.match(/=>\s*(retrain|rollback|alert)\(\s*\w*$/)))
      return c.declarations(m[1] === "retrain" ? "model" : m[1] === "rollback" ? "deploy" : "notifier");
    if ((m = prefix.match(/=>\s*\w+\([^()]*,\s*\w*$/)))
      return [{ label: "cooldown", kind: "field", detail: "cooldown = DURATION", insertText: "cooldown = " }];
    if ((m = prefix.match(/^\s*labels\s*=\s*\{[^}]*\bsource\s*=\s*\w*$/))) return c.declarations("source");
    if ((m = prefix.match(/^\s*labels\s*=\s*\{[^}]*\bkey\s*=\s*\w*$/)))
      return [{ label: "request_id", kind: "keyword", detail: "the request id mlops serve answered with" }];
    if ((m = prefix.match(/=>\s*\w*$/)))
      return Object.entries(MONITOR_ACTIONS).map(([label, doc]) => ({
        label,
        kind: "function",
        detail: doc.split(":")[0]!,
        documentation: doc,
      }));
    if ((m = prefix.match(/drifted\(\s*\w*$/))) return c.driftTargets().filter((i) => i.label !== "*");
    if ((m = prefix.match(/^\s*when\s+[^=]*$/))) return c.signals();
  }
  if (kind === "source" && insideStatement(text, block, offset, "expect")) {
    const call = prefix.match(/\b(\w+)\(\s*(?:[^(),]*,\s*)?\w*$/);
    if (call && AGGREGATES[call[1]!]) return /,\s*\w*$/.test(prefix) ? [] : c.aggregateArguments(call[1]!);
    return c.aggregates();
  }
  const rpath = recordPath(text, block, offset);
  const valueMatch = prefix.match(/(\w+)\s*=\s*[\w"]*$/);
  if (kind === "features" && (m = prefix.match(/\bimpute\(\s*([^,()]*?)\s*,\s*\w*$/))) return c.imputeStrategies(m[1]!);
  if (kind === "features" && (valueMatch || !/^\s*\w*$/.test(prefix))) return c.featureExpression(prefix.match(/^\s*(\w+)\s*=/)?.[1]);
  if (valueMatch) return c.valueOf([...rpath, valueMatch[1]!]);
  if (/(^|[{,])\s*\w*$/.test(prefix)) return c.fieldsAt(rpath, text, offset);
  return [];
}

function enclosingBlock(
  decls: readonly import("../syntax/ast.js").Declaration[],
  offset: number,
  text: string,
): BlockDeclaration | undefined {
  for (const d of decls) if (d.kind === "Block" && d.bodySpan.start < offset && offset < d.bodySpan.end) return d;
  // An unclosed body: the parser may end the span early; the last block before the offset
  // encloses it when its braces are still open there.
  let last: BlockDeclaration | undefined;
  for (const d of decls) if (d.kind === "Block" && d.span.start < offset) last = d;
  if (!last || text[last.bodySpan.start] !== "{") return undefined;
  return braceDepth(text, last.bodySpan.start, offset) > 0 ? last : undefined;
}

/** `{` minus `}` between two offsets, outside strings and comments. */
function braceDepth(text: string, from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '"') {
      while (++i < to && text[i] !== '"' && text[i] !== "\n") if (text[i] === "\\") i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < to && text[i] !== "\n") i++;
    } else if (c === "{") depth++;
    else if (c === "}") depth--;
  }
  return depth;
}

function insideStatement(text: string, block: BlockDeclaration, offset: number, keyword: string): boolean {
  const body = text.slice(block.bodySpan.start + 1, offset);
  const idx = body.lastIndexOf(keyword);
  if (idx < 0) return false;
  const after = body.slice(idx);
  let depth = 0;
  for (const ch of after) {
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
  }
  return depth > 0;
}

/**
 * The keys of the records the offset is nested in within the block body:
 * `target = kubernetes { autoscale = { | } }` → ["target:kubernetes", "autoscale"].
 */
export function recordPath(text: string, block: BlockDeclaration, offset: number): string[] {
  const path: string[] = [];
  let depth = 0;
  for (let i = offset - 1; i > block.bodySpan.start; i--) {
    const ch = text[i];
    if (ch === "}") depth++;
    else if (ch === "{") {
      if (depth > 0) {
        depth--;
        continue;
      }
      const before = text.slice(Math.max(block.bodySpan.start + 1, i - 200), i);
      const m = before.match(/(\w+)\s*=\s*(\w+)?\s*$/);
      if (m) path.unshift(m[2] ? `${m[1]}:${m[2]}` : m[1]!);
      else {
        const stmt = before.match(/(\w+)\s*$/);
        path.unshift(stmt ? `#${stmt[1]}` : "?");
      }
    }
  }
  return path;
}

class Completer {
  constructor(
    private readonly program: Program,
    private readonly block: BlockSymbol | undefined,
  ) {}

  private get table() {
    return this.program.symbols();
  }

  params(): CompletionItem[] {
    return [...this.table.params.values()].map((list) => {
      const symbol = list[0]!;
      const info = this.program.result(symbol).info;
      const typeText = info.kind === "param" ? info.typeText : "?";
      return {
        label: symbol.name,
        kind: "param" as const,
        detail: `param ${symbol.name}: ${typeText}`,
        ...(symbol.node.doc ? { documentation: symbol.node.doc } : {}),
      };
    });
  }

  declarations(kind: DeclKind, templates = false): CompletionItem[] {
    return this.table
      .blocksOf(kind, templates)
      .filter((s) => (templates ? s.isTemplate : !s.isTemplate))
      .map((s) => ({
        label: s.name,
        kind: "declaration" as const,
        detail: `${s.isTemplate ? "template " : ""}${DECL_KIND_NAMES[kind]} ${s.name}`,
        ...(s.node.doc ? { documentation: s.node.doc } : {}),
      }));
  }

  private modelInfo(name: string | undefined): ModelInfo | undefined {
    const s = name ? this.table.block(name) : undefined;
    const info = s ? this.program.result(s).info : undefined;
    return info?.kind === "model" ? info : undefined;
  }

  /** The model a gate (or monitor, through its deployment) is about. */
  gateModel(): ModelInfo | undefined {
    if (!this.block) return undefined;
    const info = this.program.result(this.block).info;
    if (info.kind === "gate") return this.modelInfo(info.model);
    if (info.kind === "monitor") return this.modelInfo(info.model);
    if (info.kind === "deploy") return this.modelInfo(info.model);
    return undefined;
  }

  metrics(model: ModelInfo | undefined): CompletionItem[] {
    const names = model?.task ? metricsForTask(model.task) : Object.keys(METRICS);
    return names.map((n) => {
      const m = METRICS[n]!;
      return {
        label: n,
        kind: "metric" as const,
        detail: `${m.unit === "ms" ? "duration" : m.unit}, ${m.better} is better${m.fairness ? " — takes (by = column)" : ""}`,
        documentation: m.doc,
        ...(m.fairness ? { insertText: `${n}(by = ` } : {}),
      };
    });
  }

  private sourceInfo(name: string | undefined): SourceInfo | undefined {
    const s = name ? this.table.block(name) : undefined;
    const info = s ? this.program.result(s).info : undefined;
    return info?.kind === "source" ? info : undefined;
  }

  private featureSetInfo(name: string | undefined): FeatureSetInfo | undefined {
    const s = name ? this.table.block(name) : undefined;
    const info = s ? this.program.result(s).info : undefined;
    return info?.kind === "features" ? info : undefined;
  }

  private columnItems(columns: Iterable<ColumnInfo>, source: string): CompletionItem[] {
    return [...columns].map((c) => ({
      label: c.name,
      kind: "column" as const,
      detail: `${source}.${c.name}: ${typeToString(c.type)}`,
      ...(c.doc ? { documentation: c.doc } : {}),
    }));
  }

  private featureItems(features: Iterable<FeatureInfo>, set: string): CompletionItem[] {
    return [...features].map((f) => ({
      label: f.name,
      kind: "feature" as const,
      detail: `${set}.${f.name}: ${typeToString(f.type)}`,
      ...(f.doc ? { documentation: f.doc } : {}),
    }));
  }

  /** `S.` → columns, `F.` → features. */
  members(owner: string): CompletionItem[] {
    const src = this.sourceInfo(owner);
    if (src) return this.columnItems(src.columns.values(), owner);
    const fs = this.featureSetInfo(owner);
    if (fs) return this.featureItems(fs.features.values(), owner);
    return [];
  }

  /** The columns in scope of the current block: a feature set's source, a gate's model source... */
  private scopeColumns(): { columns: Map<string, ColumnInfo>; source: string } | undefined {
    if (!this.block) return undefined;
    const info = this.program.result(this.block).info;
    let source: string | undefined;
    if (info.kind === "features") source = info.source;
    else if (info.kind === "source") source = this.block.name;
    else source = this.gateModel()?.source;
    const src = this.sourceInfo(source);
    return src && source ? { columns: src.columns, source } : undefined;
  }

  enumValues(name: string): CompletionItem[] {
    const scope = this.scopeColumns();
    let t: Type | undefined = scope?.columns.get(name)?.type;
    if (!t && this.block) {
      const info = this.program.result(this.block).info;
      if (info.kind === "features") t = info.features.get(name)?.type;
    }
    if (t?.kind !== "enum") return [];
    return t.values.map((v) => ({ label: v, kind: "enum-value" as const, detail: typeToString(t!) }));
  }

  units(path: string[], written: string, metric?: string): CompletionItem[] {
    const slot = this.slotAt(path.slice(0, -1), path[path.length - 1]);
    let kind =
      slot?.kind === "quantity" ? slot.unit : slot?.kind === "list" && slot.element.kind === "quantity" ? slot.element.unit : undefined;
    if (!slot && metric) {
      const unit = METRICS[metric]?.unit ?? (MONITOR_SIGNALS[metric]?.type === "duration" ? "ms" : MONITOR_SIGNALS[metric]?.type);
      kind = unit === "ms" ? "duration" : unit === "ratio" ? "ratio" : undefined;
      if (!kind) return [];
    }
    if (slot && !kind) return [];
    const kinds = kind ? [kind] : (["duration", "ratio"] as const);
    const out: CompletionItem[] = [];
    for (const k of kinds)
      for (const u of validUnits(k))
        if (u.startsWith(written) || written === "") out.push({ label: u, kind: "unit", detail: k, documentation: UNIT_DOCS[k][u]! });
    return out;
  }

  /** The slot of `key` inside the record path (path entries `field` or `field:constructor`). */
  private slotAt(path: string[], key: string | undefined): Slot | undefined {
    if (!this.block) return undefined;
    let fields: FieldSpec[] = BLOCK_FIELDS[this.block.declKind];
    let open: Slot | undefined;
    for (const entry of path) {
      const [name, ctor] = entry.split(":");
      const spec = fields.find((f) => f.name === name);
      if (!spec) return undefined;
      const next = nested(spec.slot, ctor);
      if (!next) return undefined;
      fields = next.fields;
      open = next.open;
    }
    if (key === undefined) return undefined;
    const [k] = key.split(":");
    return fields.find((f) => f.name === k)?.slot ?? open;
  }

  private fieldsOfPath(path: string[]): { fields: FieldSpec[]; statements: string[] } | undefined {
    if (!this.block) return undefined;
    const kind = this.block.declKind;
    if (path.length === 0) return { fields: BLOCK_FIELDS[kind], statements: BLOCK_STATEMENTS[kind].map((s) => s.toLowerCase()) };
    if (path.some((p) => p.startsWith("#"))) return undefined;
    const last = path[path.length - 1]!;
    const [name, ctor] = last.split(":");
    const parentFields = path.length === 1 ? BLOCK_FIELDS[kind] : this.fieldsOfPath(path.slice(0, -1))?.fields;
    const spec = parentFields?.find((f) => f.name === name);
    const next = spec ? nested(spec.slot, ctor) : undefined;
    return next ? { fields: next.fields, statements: [] } : undefined;
  }

  fieldsAt(path: string[], text: string, offset: number): CompletionItem[] {
    if (this.block?.declKind === "features") return this.scopeColumnItems();
    if (this.block?.declKind === "env") return this.params().map((p) => ({ ...p, insertText: `${p.label} = ` }));
    const found = this.fieldsOfPath(path);
    if (!found) return [];
    const present = this.presentKeys(path, text, offset);
    const items: CompletionItem[] = found.fields
      .filter((f) => !present.has(f.name))
      .map((f) => ({
        label: f.name,
        kind: "field" as const,
        detail: `${slotToString(f.slot)}${f.required ? " (required)" : f.default ? ` = ${f.default}` : ""}`,
        documentation: f.doc,
        insertText: `${f.name} = `,
      }));
    for (const s of found.statements) items.push({ label: s, kind: "keyword", detail: `${s} statement` });
    return items;
  }

  private presentKeys(path: string[], text: string, offset: number): Set<string> {
    const out = new Set<string>();
    if (!this.block) return out;
    if (path.length === 0) {
      const r = this.program.result(this.block);
      for (const name of r.merged?.fields.keys() ?? []) out.add(name);
      for (const m of this.block.node.members) if (m.kind === "Field") out.add(m.name.name);
      return out;
    }
    // Keys written in the innermost record so far (text scan: the record may not parse yet).
    let depth = 0;
    let start = offset;
    for (let i = offset - 1; i > this.block.node.bodySpan.start; i--) {
      if (text[i] === "}") depth++;
      else if (text[i] === "{") {
        if (depth === 0) {
          start = i;
          break;
        }
        depth--;
      }
    }
    let end = offset;
    depth = 0;
    for (let i = offset; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}") {
        if (depth === 0) {
          end = i;
          break;
        }
        depth--;
      }
    }
    for (const m of text.slice(start + 1, end).matchAll(/(?:^|[\s,{])(\w+)\s*=/g)) out.add(m[1]!);
    return out;
  }

  valueOf(path: string[]): CompletionItem[] {
    const key = path[path.length - 1]!;
    const slot = this.slotAt(path.slice(0, -1), key);
    if (!slot) return [];
    switch (slot.kind) {
      case "ref":
        return this.declarations(slot.declKind);
      case "word":
        return Object.entries(slot.values).map(([label, doc]) => ({ label, kind: "enum-value" as const, detail: key, documentation: doc }));
      case "constructor":
        return Object.entries(slot.variants).map(([label, v]) => ({
          label,
          kind: "keyword" as const,
          detail: `${label} { ${v.fields.map((f) => f.name).join(", ")} }`,
          documentation: v.doc,
          insertText: `${label} { ${v.fields
            .filter((f) => f.required)
            .map((f) => `${f.name} = ${placeholder(f.slot)}`)
            .join(", ")} }`,
        }));
      case "bool":
        return [
          { label: "true", kind: "keyword" },
          { label: "false", kind: "keyword" },
        ];
      case "schedule":
        return [
          { label: "cron", kind: "function", detail: 'cron("MIN HOUR DAY MONTH WEEKDAY")', insertText: 'cron("0 2 * * *")' },
          { label: "every", kind: "function", detail: "every(duration)", insertText: "every(1h)" },
        ];
      case "model-features":
        return [...this.declarations("features"), ...this.declarations("source").map((s) => ({ ...s, insertText: `[${s.label}.` }))];
      case "target-column":
        return this.declarations("source").map((s) => ({ ...s, insertText: `${s.label}.` }));
      case "reference":
        return [{ label: "training", kind: "keyword", detail: "the model's training split" }, ...this.declarations("source")];
      case "string":
        return slot.secretAllowed
          ? [{ label: "secret", kind: "function", detail: "secret(name, key)", insertText: 'secret("name", "key")' }]
          : [];
      default:
        return [];
    }
  }

  private scopeColumnItems(): CompletionItem[] {
    const scope = this.scopeColumns();
    return scope ? this.columnItems(scope.columns.values(), scope.source) : [];
  }

  /** Columns, the other features of the set, functions and impute strategies. */
  featureExpression(defining: string | undefined): CompletionItem[] {
    const items = this.scopeColumnItems();
    if (this.block) {
      const info = this.program.result(this.block).info;
      if (info.kind === "features")
        items.push(
          ...this.featureItems(
            [...info.features.values()].filter((f) => f.name !== defining),
            this.block.name,
          ),
        );
    }
    for (const [name, f] of Object.entries(FEATURE_FUNCTIONS))
      items.push({ label: name, kind: "function", detail: f.signature, documentation: f.doc });
    return items;
  }

  /** The strategies of `impute(x, |)`: `mean` and `median` only for a numeric (or not yet known) x. */
  imputeStrategies(argument: string): CompletionItem[] {
    const type = this.expressionType(argument);
    return Object.entries(IMPUTE_STRATEGIES)
      .filter(([name]) => !(name === "mean" || name === "median") || type === undefined || type.kind === "unknown" || isNumeric(type))
      .map(([label, doc]) => ({ label, kind: "keyword" as const, detail: "impute strategy", documentation: doc }));
  }

  /** The type of a column or feature named by `text` in this feature set, when it is one. */
  private expressionType(text: string): Type | undefined {
    const name = text.trim();
    const column = this.scopeColumns()?.columns.get(name);
    if (column) return column.type;
    const info = this.block ? this.program.result(this.block).info : undefined;
    return info?.kind === "features" ? info.features.get(name)?.type : undefined;
  }

  /** Where an expectation starts: the dataset aggregates (a bare column is not one). */
  aggregates(): CompletionItem[] {
    return Object.entries(AGGREGATES).map(([label, a]) => ({
      label,
      kind: "function" as const,
      detail: a.signature,
      documentation: a.doc,
      ...(label === "row_count" ? {} : { insertText: `${label}(` }),
    }));
  }

  /** Inside `null_rate(`, `mean(`...: the source's columns it takes (numeric ones for numeric aggregates). */
  aggregateArguments(aggregate: string): CompletionItem[] {
    if (aggregate === "row_count") return [];
    const scope = this.scopeColumns();
    if (!scope) return [];
    const numeric = NUMERIC_AGGREGATES.has(aggregate);
    return this.columnItems(
      [...scope.columns.values()].filter((c) => !numeric || c.type.kind === "unknown" || isNumeric(c.type)),
      scope.source,
    );
  }

  /** `(by = |)` of a fairness metric: the columns of the model's source that split rows into groups. */
  groupColumns(): CompletionItem[] {
    const scope = this.scopeColumns();
    if (!scope) return [];
    const columns = [...scope.columns.values()];
    const groups = columns.filter((c) => isCategorical(c.type));
    return this.columnItems(groups.length > 0 ? groups : columns, scope.source);
  }

  /** An element of `features = [...]`: feature sets, and sources whose columns follow a `.`. */
  modelInputs(): CompletionItem[] {
    return [...this.declarations("features"), ...this.declarations("source").map((s) => ({ ...s, insertText: `${s.label}.` }))];
  }

  /** The units of a quantity kind that start with what is typed. */
  unitsOf(kind: QuantityKind, written: string): CompletionItem[] {
    return validUnits(kind)
      .filter((u) => u.startsWith(written))
      .map((u) => ({ label: u, kind: "unit" as const, detail: kind, documentation: UNIT_DOCS[kind][u]! }));
  }

  private driftTargetTypes(): Map<string, Type> {
    const out = new Map<string, Type>();
    const model = this.gateModel();
    const r = this.block ? this.program.result(this.block) : undefined;
    const ref = r?.merged?.fields.get("reference")?.value.expr;
    const source = ref?.kind === "Name" && ref.name.name !== "training" ? ref.name.name : model?.source;
    for (const c of this.sourceInfo(source)?.columns.values() ?? []) out.set(c.name, c.type);
    for (const f of this.featureSetInfo(model?.featureSet)?.features.values() ?? []) if (!out.has(f.name)) out.set(f.name, f.type);
    if (model?.task)
      out.set(
        "prediction",
        model.task === "multiclass_classification"
          ? { kind: "enum", values: model.target?.classes ?? [], nullable: false }
          : { kind: "float", nullable: false },
      );
    return out;
  }

  driftTargets(): CompletionItem[] {
    const items: CompletionItem[] = [...this.driftTargetTypes()].map(([name, t]) => ({
      label: name,
      kind: name === "prediction" ? ("keyword" as const) : ("column" as const),
      detail: typeToString(t),
    }));
    items.push({ label: "*", kind: "keyword", detail: "every column not named by another rule" });
    return items;
  }

  driftMethods(target: string): CompletionItem[] {
    const t = this.driftTargetTypes().get(target);
    const items: CompletionItem[] = [];
    for (const [name, m] of Object.entries(DRIFT_METHODS)) {
      if (t) {
        const two = t.kind === "bool" || (t.kind === "enum" && t.values.length === 2);
        const ok = (isNumeric(t) && m.numeric) || (isCategorical(t) && m.categorical && (!m.twoValuedOnly || two));
        if (!ok) continue;
      }
      items.push({
        label: name,
        kind: "drift-method",
        detail: m.driftsWhen === "above" ? "distance: drifts when above (>)" : "p-value: drifts when below (<)",
        documentation: m.doc,
        insertText: `${name} ${m.driftsWhen === "above" ? ">" : "<"} `,
      });
    }
    items.push({ label: "auto", kind: "drift-method", detail: "per-type default", documentation: AUTO_DRIFT_DOC });
    return items;
  }

  signals(): CompletionItem[] {
    const items: CompletionItem[] = Object.entries(MONITOR_SIGNALS).map(([label, s]) => ({
      label,
      kind: "signal" as const,
      detail: s.type,
      documentation: s.doc,
    }));
    items.push({ label: "drifted", kind: "function", detail: "drifted(column) -> bool", insertText: "drifted(" });
    const model = this.gateModel();
    if (model?.task) for (const m of this.metrics(model)) if (!MONITOR_SIGNALS[m.label]) items.push(m);
    return items;
  }
}

function nested(slot: Slot, ctor: string | undefined): { fields: FieldSpec[]; open?: Slot } | undefined {
  if (slot.kind === "record") return { fields: slot.fields, ...(slot.open ? { open: slot.open } : {}) };
  if (slot.kind === "constructor" && ctor && slot.variants[ctor]) return { fields: slot.variants[ctor]!.fields };
  return undefined;
}

const NUMERIC_AGGREGATES = new Set(["mean", "min", "max", "stddev", "quantile"]);

/** What `every(` usually takes. */
const DURATION_EXAMPLES: CompletionItem[] = [
  ["15m", "every 15 minutes"],
  ["1h", "every hour"],
  ["6h", "every 6 hours"],
  ["1d", "every day"],
  ["7d", "every week"],
].map(([label, detail]) => ({ label: label!, kind: "unit" as const, detail: detail! }));

interface TypeItem {
  label: string;
  detail: string;
  snippet?: string;
  insertText?: string;
}

const BASIC_TYPES: TypeItem[] = [
  { label: "int", detail: "whole number" },
  { label: "float", detail: "number" },
  { label: "bool", detail: "true / false" },
  { label: "string", detail: "text" },
];
const ENUM_TYPE: TypeItem = {
  label: "enum",
  detail: 'one of fixed values: enum("a", "b")',
  insertText: 'enum("',
  snippet: 'enum("${1:a}", "${2:b}")',
};

/** What a schema column may be declared as. */
const COLUMN_TYPES: TypeItem[] = [
  ...BASIC_TYPES,
  { label: "timestamp", detail: "date and time (ISO 8601)" },
  { label: "date", detail: "calendar date" },
  ENUM_TYPE,
];

/** What a param may be declared as. */
const PARAM_TYPES: TypeItem[] = [
  ...BASIC_TYPES,
  { label: "ratio", detail: "0..1, written 85% or 0.85" },
  { label: "duration", detail: "30s, 15m, 6h, 1d" },
  { label: "cpu", detail: "500m, 2" },
  { label: "memory", detail: "512Mi, 2Gi" },
  { label: "list", detail: "list<T>", insertText: "list<", snippet: "list<${1:string}>" },
  ENUM_TYPE,
];

function typeItems(types: readonly TypeItem[]): CompletionItem[] {
  return types.map((t) => ({
    label: t.label,
    kind: "keyword" as const,
    detail: t.detail,
    ...(t.insertText ? { insertText: t.insertText } : {}),
    ...(t.snippet ? { snippet: t.snippet } : {}),
  }));
}

/** True inside a declaration that is not a block (a `param` written over several lines). */
function insideDeclaration(decls: readonly Declaration[], lineStart: number, offset: number): boolean {
  return decls.some((d) => d.kind !== "Block" && d.span.start < lineStart && offset < d.span.end);
}

/**
 * `import "|`: the project's other `.mlops` files, relative to the importing file (`./x.mlops`,
 * `../lib/y.mlops`), not the ones it already imports; each replaces the path typed so far.
 */
function importPaths(program: Program, path: string, typed: string, offset: number, projectFiles: readonly string[]): CompletionItem[] {
  const here = dirname(path);
  const already = new Set(program.file(path)?.imports.flatMap((i) => (i.path ? [i.path] : [])) ?? []);
  const out: CompletionItem[] = [];
  for (const candidate of [...new Set(projectFiles.map(normalizePath))].sort()) {
    if (candidate === path || already.has(candidate) || !candidate.endsWith(".mlops")) continue;
    const relative = relativePath(here, candidate);
    const label = relative.startsWith("../") ? relative : `./${relative}`;
    if (!label.startsWith(typed) && !relative.startsWith(typed)) continue;
    out.push({ label, kind: "module", detail: "file of the project", replace: { start: offset - typed.length, end: offset } });
  }
  return out;
}
