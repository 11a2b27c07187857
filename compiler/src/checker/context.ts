/**
 * The checker's state: one memoised `DeclResult` per declaration (its
 * diagnostics, the names it resolved, the types it computed and the keys of
 * every declaration it depends on, transitively). A program edit drops only
 * the results whose dependencies changed.
 */
import type { Diagnostic, DiagnosticCode, Fix } from "../diagnostics/diagnostic.js";
import type { CompilerHost } from "../host/host.js";
import type { FileAccess } from "../program/file-access.js";
import type { ProgramFile } from "../program/source-files.js";
import { makeDiagnostic } from "../program/source-files.js";
import type { Expr, Span } from "../syntax/ast.js";
import type { MergedDecl } from "./merge.js";
import { spanContains } from "./merge.js";
import type { BlockSymbol, DeclSymbol, SemanticSymbol, SymbolTable } from "./symbols.js";
import type { Type } from "./types.js";
import type { DeclInfo } from "./infos.js";

export interface SymbolReference {
  file: string;
  span: Span;
  symbol: SemanticSymbol;
}

/** Something at a position that is not a symbol with a definition: a field, metric, function, unit... (for hover). */
export interface Annotation {
  file: string;
  span: Span;
  kind:
    | "field"
    | "metric"
    | "function"
    | "aggregate"
    | "signal"
    | "drift-method"
    | "action"
    | "constructor"
    | "word"
    | "quantity"
    | "keyword";
  name: string;
  detail: string;
  doc: string;
}

export interface DeclResult {
  symbol: DeclSymbol;
  diagnostics: Diagnostic[];
  references: SymbolReference[];
  annotations: Annotation[];
  exprTypes: Map<Expr, Type>;
  /** Keys (`decl:x`, `param:y`, `env:z`) this result was computed from, transitively. */
  deps: Set<string>;
  /** Keys of declarations this one uses (for `unused-declaration`). */
  uses: Set<string>;
  merged?: MergedDecl;
  info: DeclInfo;
}

export class DeclContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly references: SymbolReference[] = [];
  readonly annotations: Annotation[] = [];
  readonly exprTypes = new Map<Expr, Type>();
  readonly deps = new Set<string>();
  readonly uses = new Set<string>();
  merged?: MergedDecl;

  constructor(
    readonly checker: Checker,
    readonly symbol: DeclSymbol,
  ) {}

  /**
   * Reports at `span` of `file`. A diagnostic inside a template this declaration
   * extends is moved to the `extends` clause (errors in a child point at the
   * child), unless the template itself reports the same problem there.
   */
  report(file: ProgramFile, code: DiagnosticCode, span: Span, message: string, hints: string[] = [], fixes: Fix[] = []): void {
    const own = file === this.symbol.file && spanContains(this.symbol.node.span, span);
    if (own || this.symbol.kind !== "block" || !this.merged) {
      this.diagnostics.push(makeDiagnostic(file, code, span, message, hints, fixes));
      return;
    }
    const template = this.merged.chain.find((s) => s.file === file && spanContains(s.node.span, span));
    if (!template) {
      this.diagnostics.push(makeDiagnostic(file, code, span, message, hints, fixes));
      return;
    }
    const candidate = makeDiagnostic(file, code, span, message, hints, fixes);
    const templateResult = this.checker.result(template);
    const same = templateResult.diagnostics.some(
      (d) =>
        d.code === code &&
        d.message === message &&
        d.range.start.line === candidate.range.start.line &&
        d.range.start.character === candidate.range.start.character,
    );
    if (same) return;
    const at = this.symbol.node.extends ?? this.symbol.node.name;
    const relocated = makeDiagnostic(
      this.symbol.file,
      code,
      at.span,
      `${message} (inherited from template \`${template.name}\`)`,
      hints,
      [],
    );
    const earlier = this.diagnostics.find(
      (d) =>
        d.code === code &&
        d.file === relocated.file &&
        d.range.start.line === relocated.range.start.line &&
        d.range.start.character === relocated.range.start.character,
    );
    if (earlier) {
      const also = `also: ${message}`;
      if (!earlier.message.startsWith(message) && !earlier.hints.includes(also)) earlier.hints.push(also);
      return;
    }
    this.diagnostics.push(relocated);
  }

  /** Reports exactly where told (param defaults and env overrides reached through `params.x`). */
  reportAt(file: ProgramFile, code: DiagnosticCode, span: Span, message: string, hints: string[] = [], fixes: Fix[] = []): void {
    this.diagnostics.push(makeDiagnostic(file, code, span, message, hints, fixes));
  }

  reference(file: ProgramFile, span: Span, symbol: SemanticSymbol): void {
    this.references.push({ file: file.path, span, symbol });
  }

  annotate(file: ProgramFile, span: Span, kind: Annotation["kind"], name: string, detail: string, doc: string): void {
    this.annotations.push({ file: file.path, span, kind, name, detail, doc });
  }

  setType(expr: Expr, type: Type): Type {
    this.exprTypes.set(expr, type);
    return type;
  }

  dependOn(key: string): void {
    this.deps.add(key);
  }

  /** Uses another declaration's result: its dependencies become ours. */
  use(result: DeclResult, key: string): void {
    this.deps.add(key);
    for (const d of result.deps) this.deps.add(d);
  }
}

export type DeclChecker = (ctx: DeclContext) => DeclInfo;

export class Checker {
  private readonly active = new Set<DeclSymbol>();

  constructor(
    readonly host: CompilerHost,
    /** How the checker reads files (pretrained models): regular files inside the project only. */
    readonly files: FileAccess,
    readonly table: SymbolTable,
    readonly cache: Map<DeclSymbol, DeclResult>,
    private readonly checkDeclaration: DeclChecker,
    private readonly onResult?: (result: DeclResult) => void,
  ) {}

  /** The memoised result of a declaration; a re-entrant request (a cycle) gets an empty placeholder. */
  result(symbol: DeclSymbol): DeclResult {
    const cached = this.cache.get(symbol);
    if (cached) return cached;
    if (this.active.has(symbol)) return emptyResult(symbol);
    this.active.add(symbol);
    try {
      const ctx = new DeclContext(this, symbol);
      const info = this.checkDeclaration(ctx);
      const result: DeclResult = {
        symbol,
        diagnostics: ctx.diagnostics,
        references: ctx.references,
        annotations: ctx.annotations,
        exprTypes: ctx.exprTypes,
        deps: ctx.deps,
        uses: ctx.uses,
        info,
        ...(ctx.merged ? { merged: ctx.merged } : {}),
      };
      this.cache.set(symbol, result);
      this.onResult?.(result);
      return result;
    } finally {
      this.active.delete(symbol);
    }
  }

  isActive(symbol: BlockSymbol): boolean {
    return this.active.has(symbol);
  }
}

function emptyResult(symbol: DeclSymbol): DeclResult {
  return {
    symbol,
    diagnostics: [],
    references: [],
    annotations: [],
    exprTypes: new Map(),
    deps: new Set(),
    uses: new Set(),
    info: { kind: "none" },
  };
}
