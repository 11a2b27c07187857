/**
 * Binding: the declarations of every file of the compilation, by name.
 * Names are global across the compilation (LANGUAGE.md §2); params and envs
 * have their own namespaces (`params.NAME`, `--env NAME`).
 */
import type { BlockDeclaration, Declaration, ParamDeclaration, Span } from "../syntax/ast.js";
import type { ProgramFile } from "../program/source-files.js";
import type { DeclKind, Type } from "./types.js";

export interface BlockSymbol {
  kind: "block";
  declKind: DeclKind;
  name: string;
  isTemplate: boolean;
  file: ProgramFile;
  node: BlockDeclaration;
}

export interface ParamSymbol {
  kind: "param";
  name: string;
  file: ProgramFile;
  node: ParamDeclaration;
}

export type DeclSymbol = BlockSymbol | ParamSymbol;

/** Anything a name in the source can resolve to; what definition / references / hover work on. */
export interface SemanticSymbol {
  /** Unique within the compilation: `decl:NAME`, `param:NAME`, `env:NAME`, `column:SOURCE.NAME`, `feature:SET.NAME`. */
  key: string;
  kind: "declaration" | "param" | "env" | "column" | "feature";
  name: string;
  declKind?: DeclKind;
  isTemplate?: boolean;
  /** The source of a column, the feature set of a feature. */
  container?: string;
  file: string;
  /** The defining identifier. */
  span: Span;
  doc?: string;
  type?: Type;
}

export class SymbolTable {
  /** source, features, model, gate, deploy, monitor and templates of those. */
  readonly blocks = new Map<string, BlockSymbol[]>();
  readonly params = new Map<string, ParamSymbol[]>();
  readonly envs = new Map<string, BlockSymbol[]>();
  readonly pipelines: BlockSymbol[] = [];
  readonly all: DeclSymbol[] = [];

  constructor(files: readonly ProgramFile[]) {
    for (const file of files) for (const symbol of bindFile(file)) this.add(symbol);
  }

  private add(symbol: DeclSymbol): void {
    this.all.push(symbol);
    if (symbol.kind === "param") push(this.params, symbol.name, symbol);
    else if (symbol.declKind === "env") push(this.envs, symbol.name, symbol);
    else if (symbol.declKind === "pipeline" && !symbol.isTemplate) this.pipelines.push(symbol);
    else push(this.blocks, symbol.name, symbol);
  }

  block(name: string): BlockSymbol | undefined {
    return this.blocks.get(name)?.[0];
  }

  param(name: string): ParamSymbol | undefined {
    return this.params.get(name)?.[0];
  }

  /** The declaration that owns `symbol`'s name in its namespace (the first of that name), if any. */
  firstNamed(symbol: DeclSymbol): DeclSymbol | undefined {
    if (symbol.kind === "param") return this.params.get(symbol.name)?.[0];
    if (symbol.declKind === "env") return this.envs.get(symbol.name)?.[0];
    if (symbol.declKind === "pipeline" && !symbol.isTemplate) return this.pipelines.find((p) => p.name === symbol.name);
    return this.blocks.get(symbol.name)?.[0];
  }

  blocksOf(kind: DeclKind, includeTemplates = false): BlockSymbol[] {
    const out: BlockSymbol[] = [];
    for (const list of this.blocks.values()) {
      const s = list[0]!;
      if (s.declKind === kind && (includeTemplates || !s.isTemplate)) out.push(s);
    }
    return out;
  }
}

const fileSymbolCache = new WeakMap<ProgramFile, DeclSymbol[]>();

/** The declarations of one file (cached per parsed file: re-binding happens only when the file changes). */
export function bindFile(file: ProgramFile): DeclSymbol[] {
  const cached = fileSymbolCache.get(file);
  if (cached) return cached;
  return rebindFile(file, []);
}

/**
 * Binds a file again after its syntax tree changed: a declaration node that
 * `previous` already bound (a declaration an edit left alone) keeps its symbol,
 * and with it its memoised check result.
 */
export function rebindFile(file: ProgramFile, previous: readonly DeclSymbol[]): DeclSymbol[] {
  const kept = new Map<Declaration, DeclSymbol>(previous.map((s) => [s.node, s]));
  const out: DeclSymbol[] = [];
  for (const decl of file.ast.declarations) {
    const symbol = kept.get(decl) ?? symbolOf(file, decl);
    if (symbol) out.push(symbol);
  }
  fileSymbolCache.set(file, out);
  return out;
}

function symbolOf(file: ProgramFile, decl: Declaration): DeclSymbol | undefined {
  if (decl.kind === "Param") return decl.name.name ? { kind: "param", name: decl.name.name, file, node: decl } : undefined;
  if (decl.kind === "Block")
    return decl.name.name
      ? { kind: "block", declKind: decl.keyword, name: decl.name.name, isTemplate: decl.isTemplate, file, node: decl }
      : undefined;
  return undefined;
}

/** The dependency key of a declaration symbol (what other checks record when they look it up). */
export function symbolKey(symbol: DeclSymbol): string {
  if (symbol.kind === "param") return `param:${symbol.name}`;
  if (symbol.declKind === "env") return `env:${symbol.name}`;
  if (symbol.declKind === "pipeline") return `pipeline:${symbol.name}`;
  return `decl:${symbol.name}`;
}

/**
 * The dependency key of the set of names a declaration adds to (`names:model`, `names:template:gate`,
 * `names:param`, `names:env`). A check that builds a hint from such a set (did you mean...) depends on
 * it, so adding, removing or renaming a declaration of that kind re-checks it.
 */
export function nameSetKey(symbol: DeclSymbol): string {
  if (symbol.kind === "param") return "names:param";
  return blockNameSetKey(symbol.declKind, symbol.isTemplate);
}

export function blockNameSetKey(kind: DeclKind, template: boolean): string {
  return template ? `names:template:${kind}` : `names:${kind}`;
}

/**
 * The name-set keys whose content differs between two tables, given the symbols added and removed
 * (only their names can change a set): a name counts in the set of its first declaration's kind.
 */
export function changedNameSets(before: SymbolTable, after: SymbolTable, touched: Iterable<DeclSymbol>): Set<string> {
  const out = new Set<string>();
  for (const symbol of touched) {
    const was = before.firstNamed(symbol);
    const is = after.firstNamed(symbol);
    const wasKey = was && nameSetKey(was);
    const isKey = is && nameSetKey(is);
    if (wasKey === isKey) continue;
    if (wasKey) out.add(wasKey);
    if (isKey) out.add(isKey);
  }
  return out;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
