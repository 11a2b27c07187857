/**
 * A compilation: the entry files, everything they import, and the checked semantic model.
 *
 * ## API (for the CLI, the plan emitter and the language server)
 *
 * ```ts
 * import { createProgram, MemoryHost } from "@mlops/compiler";   // NodeHost from "@mlops/compiler/node"
 * const program = createProgram({ host, rootFiles: ["/p/main.mlops"], env: "prod" });
 * program.diagnostics();            // Diagnostic[]: syntax + semantic, sorted (compareDiagnostics), deduplicated;
 *                                   // an `env` naming no env is an unknown-reference at line 1 of the first root
 * program.updateFile(path, text);   // editor buffer / file change: re-parses that file only; re-checks lazily
 * program.refreshFile(path);        // re-read through the host (.mlops file or an ONNX model a trainer reads) after it
 *                                   // changed, appeared or went away: imports of it start or stop resolving
 * program.setEnv("staging");        // the env model() resolves params for
 * program.files();                  // ProgramFile[]: { path, text, ast, lineMap, syntaxDiagnostics, imports, isStdlib }
 * program.symbols();                // SymbolTable: blocks / params / envs / pipelines by name, `all`
 * program.result(symbol);           // DeclResult: diagnostics, references, annotations, exprTypes, deps, merged, info
 * const m = program.model();        // SemanticModel (semantic-model.ts): what the plan emitter walks
 * ```
 *
 * `SemanticModel`, for one env (see `semantic-model.ts` for every field):
 * - `pipeline`, `params` (declared type + value for the env), `envs` (overrides, normalised), `sourceFiles`;
 * - `sources`, `featureSets`, `models`, `gates`, `deployments`, `monitors`: the non-template declarations
 *   with templates merged (`fields`: name → `ResolvedField { expr, file, type, value, fields? }`), plus per
 *   kind: columns (plan `ColumnSpec`), expectations, bad-row policy; features in dependency order with
 *   plan `FeatureType`s, `columns` read and `stateful`; a model's task, source, feature set or input list,
 *   `layout` (`InputSlot[]`), `inputWidth`, target + classes, split, `TrainerSpec` (with the ONNX signature
 *   of a pretrained model); a gate's rules (metric, by, comparison, threshold expr + constant value, unit,
 *   better, usesChampion) and `onNoChampion`; a deployment's `TargetSpec`, endpoint, `RolloutSpec`,
 *   `envVars`; a monitor's reference, windowMs, schedule, plan `DriftRule`s and policies (condition, action).
 * - `evaluateConstant(expr, expected?)`: normalised value (durations ms, cpu millicores, memory bytes,
 *   ratios 0..1, `params.x` substituted for the env; records, lists, secrets and schedules as data).
 * - `lowerExpr(expr, statePrefix?)`: a plan `PlanExpr` with names resolved (column / feature / metric /
 *   champion / signal refs), params inlined, quantities normalised. `resolve(expr)`, `typeOf(expr)`.
 *
 * Editor queries are pure functions over a Program in `services/`: `symbolAt`, `definition`, `references`,
 * `typeAt`, `completionsAt`, `hoverAt` (offsets are UTF-16 offsets into the file text).
 *
 * Incrementality: binding is cached per parsed file; each declaration's check is memoised with the keys of
 * the declarations it read, transitively (`decl:x`, `param:y`, `env:z`, `file:path`), and of the name sets
 * its did-you-mean hints were chosen from (`names:model`, `names:template:gate`, `names:param`): adding,
 * removing or renaming a declaration of that kind re-checks them. `updateFile` re-parses
 * a window of one file around the edit and keeps the nodes, symbols and results of the declarations it left
 * alone, their positions moved (`incremental.ts`); of the rest it diffs the declarations (text, position, doc)
 * and drops only the results that read a changed key (a reverse index makes that proportional to the
 * dependents); `diagnostics()` re-checks just those.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { compareDiagnostics } from "../diagnostics/diagnostic.js";
import { MAX_DIAGNOSTICS_PER_FILE } from "../diagnostics/limits.js";
import type { CompilerHost } from "../host/host.js";
import { dirname, normalizePath } from "../host/paths.js";
import { Checker } from "../checker/context.js";
import type { DeclResult } from "../checker/context.js";
import { checkDeclaration } from "../checker/declarations.js";
import type { DeclSymbol } from "../checker/symbols.js";
import { SymbolTable, bindFile, changedNameSets, symbolKey } from "../checker/symbols.js";
import { DECL_KIND_NAMES } from "../checker/types.js";
import { closestMatch } from "../checker/edit-distance.js";
import { patchFile } from "./incremental.js";
import { FileAccess, type FileProblem } from "./file-access.js";
import type { ProgramFile } from "./source-files.js";
import { collectReachable, importDiagnostics, importTarget, loadFile, makeDiagnostic, resolveImports } from "./source-files.js";
import type { SemanticModel } from "./semantic-model.js";
import { buildSemanticModel } from "./semantic-model.js";

export interface ProgramOptions {
  host: CompilerHost;
  rootFiles: string[];
  /**
   * The folder whose files the compilation may read (imports, `pretrained` models): the folder
   * given to the CLI, or the editor's workspace folder. Default: the folders of the root files.
   */
  projectRoot?: string;
  /** More folders the user allowed reading from (`--allow-read DIR`). */
  allowRead?: string[];
  /** The env whose param values `model()` resolves (`mlops build --env NAME`). */
  env?: string;
}

export interface Program {
  readonly host: CompilerHost;
  readonly rootFiles: readonly string[];
  readonly env: string | undefined;
  /** The folder whose files the compilation may read (`ProgramOptions.projectRoot`), and the allowed others. */
  readonly projectRoot: string | undefined;
  readonly allowRead: readonly string[];
  /** Every file of the compilation: roots first, then imports in order. */
  files(): readonly ProgramFile[];
  file(path: string): ProgramFile | undefined;
  /** Syntax and semantic diagnostics of the whole compilation, sorted, one per problem. */
  diagnostics(): Diagnostic[];
  /** Replaces one file's text (an editor buffer, a file change). Cheap: only dependents are re-checked, lazily. */
  updateFile(path: string, text: string): void;
  /**
   * Re-reads a file through the host after it changed, was created or was deleted (a `.mlops` file, or an ONNX
   * model a `pretrained` trainer reads). Imports that name it are resolved again: an `unknown-import` goes away
   * when the file appears, and comes back when it goes. A path nothing imports is not loaded.
   */
  refreshFile(path: string): void;
  setEnv(env: string | undefined): void;
  /** The resolved semantic model for the selected env (or `env`). */
  model(env?: string): SemanticModel;
  /** Binding: every declaration by name. */
  symbols(): SymbolTable;
  /** The checked result of one declaration (diagnostics, references, types, info). */
  result(symbol: DeclSymbol): DeclResult;
  /** Results of every declaration (checks what is not checked yet). */
  results(): DeclResult[];
}

export function createProgram(options: ProgramOptions): Program {
  return new ProgramImpl(options);
}

class ProgramImpl implements Program {
  readonly host: CompilerHost;
  readonly rootFiles: string[];
  env: string | undefined;
  readonly projectRoot: string | undefined;
  readonly allowRead: readonly string[];
  private readonly cache = new Map<string, ProgramFile>();
  /** Paths the compiler would not read, and why (kept until the path is refreshed). */
  private readonly problems = new Map<string, FileProblem>();
  private readonly access: FileAccess;
  private readonly missingRoots: string[] = [];
  private order: ProgramFile[] = [];
  private cycles: Diagnostic[] = [];
  private table!: SymbolTable;
  private checker!: Checker;
  private readonly results_ = new Map<DeclSymbol, DeclResult>();
  /** Reverse dependencies: key → declarations whose cached result read it. */
  private readonly dependents = new Map<string, Set<DeclSymbol>>();
  private diagnosticsCache: Diagnostic[] | undefined;
  private modelCache = new Map<string, SemanticModel>();

  constructor(options: ProgramOptions) {
    this.host = options.host;
    this.rootFiles = options.rootFiles.map(normalizePath);
    this.env = options.env;
    this.projectRoot = options.projectRoot;
    this.allowRead = options.allowRead ?? [];
    const roots = options.projectRoot !== undefined ? [options.projectRoot] : this.rootFiles.map(dirname);
    this.access = new FileAccess(this.host, {
      roots: [...roots, ...(options.allowRead ?? [])],
      trusted: (path) => this.stdlibPaths().has(path),
    });
    this.rebuild();
  }

  private get(path: string, isStdlib: boolean): ProgramFile | undefined {
    const cached = this.cache.get(path);
    if (cached) return cached;
    if (this.problems.has(path)) return undefined;
    const text = this.read(path);
    if (text === undefined) return undefined;
    const file = loadFile(this.host, path, text, isStdlib);
    this.cache.set(path, file);
    return file;
  }

  /** A source file's text through the access rules; a refusal is remembered as the path's problem. */
  private read(path: string): string | undefined {
    const outcome = this.access.readSource(path);
    this.problems.delete(path);
    if ("content" in outcome) return outcome.content;
    if ("problem" in outcome) this.problems.set(path, outcome.problem);
    return undefined;
  }

  private stdlibPathsCache: Set<string> | undefined;

  private stdlibPaths(): Set<string> {
    if (this.stdlibPathsCache) return this.stdlibPathsCache;
    const out = new Set<string>();
    this.stdlibPathsCache = out;
    for (const m of this.host.stdlibModules()) {
      const p = this.host.stdlibModulePath(m);
      if (p) out.add(normalizePath(p));
    }
    return out;
  }

  private rebuild(): void {
    const std = this.stdlibPaths();
    this.missingRoots.length = 0;
    for (const root of this.rootFiles) if (!this.get(root, std.has(root))) this.missingRoots.push(root);
    const { order, cycles } = collectReachable(this.rootFiles, (p) => this.get(p, std.has(p) && !this.rootFiles.includes(p)));
    this.order = order;
    this.cycles = cycles;
    this.table = new SymbolTable(order);
    this.checker = new Checker(this.host, this.access, this.table, this.results_, checkDeclaration, (result) => {
      for (const d of result.deps) {
        const set = this.dependents.get(d);
        if (set) set.add(result.symbol);
        else this.dependents.set(d, new Set([result.symbol]));
      }
    });
    this.diagnosticsCache = undefined;
    this.modelCache.clear();
  }

  files(): readonly ProgramFile[] {
    return this.order;
  }

  file(path: string): ProgramFile | undefined {
    const p = normalizePath(path);
    return this.order.find((f) => f.path === p);
  }

  symbols(): SymbolTable {
    return this.table;
  }

  result(symbol: DeclSymbol): DeclResult {
    return this.checker.result(symbol);
  }

  results(): DeclResult[] {
    return this.table.all.map((s) => this.checker.result(s));
  }

  setEnv(env: string | undefined): void {
    this.env = env;
    this.diagnosticsCache = undefined;
  }

  updateFile(path: string, buffer: string): void {
    const p = normalizePath(path);
    // An editor buffer can hold a lone surrogate, which no UTF-8 file can: read it as the file would be.
    const text = wellFormed(buffer);
    const old = this.cache.get(p);
    if (old && old.text === text) return;
    const isStdlib = this.stdlibPaths().has(p) && !this.rootFiles.includes(p);
    if (old) {
      this.afterChange(p, () => patchFile(this.host, old, text, isStdlib, this.resultsReading(old)));
      return;
    }
    this.afterChange(p, () => void this.cache.set(p, loadFile(this.host, p, text, isStdlib)));
  }

  refreshFile(path: string): void {
    const p = normalizePath(path);
    // An import of this path may start or stop resolving (the file was created, opened or deleted).
    const importers = this.reresolveImportsOf(p);
    if (!this.cache.has(p) && !p.endsWith(".mlops") && importers.length === 0) {
      // Not a source file (an ONNX model read at compile time): drop what read it.
      for (const symbol of this.dependents.get(`file:${p}`) ?? []) this.results_.delete(symbol);
      this.dependents.delete(`file:${p}`);
      this.diagnosticsCache = undefined;
      this.modelCache.clear();
      return;
    }
    this.problems.delete(p);
    const text = this.read(p);
    if (text === undefined) {
      if (this.cache.has(p) || importers.length > 0) this.afterChange(p, () => void this.cache.delete(p));
    } else if (this.cache.has(p)) {
      this.updateFile(p, text);
      if (importers.length > 0) this.afterChange(p, () => undefined);
    } else if (importers.length > 0) {
      // now reachable: the rebuild reads it through the host
      this.afterChange(p, () => undefined);
    }
  }

  /**
   * Resolves again the imports of the loaded files that name `path`; returns the files whose
   * imports now resolve differently (their `imports` are replaced).
   */
  private reresolveImportsOf(path: string): ProgramFile[] {
    const changed: ProgramFile[] = [];
    for (const file of this.cache.values()) {
      if (!file.imports.some((imp) => importTarget(file, imp) === path)) continue;
      const next = resolveImports(this.host, file.path, file.ast);
      if (next.some((imp, i) => imp.path !== file.imports[i]?.path)) {
        file.imports = next;
        changed.push(file);
      }
    }
    return changed;
  }

  /**
   * Applies a change to the files (a file edited in place by `patchFile` keeps its
   * unchanged declarations' symbols and moves their results to the new offsets)
   * and drops the results it invalidates: those of declarations that are gone,
   * and those that read a declaration whose text, position or doc comment changed.
   */
  private afterChange(changedPath: string, change: () => void): void {
    const before = new Set<DeclSymbol>(this.table.all);
    // Only the changed file's text moves: fingerprint its declarations now, the others' when needed.
    const changed = this.cache.get(changedPath);
    const fingerprints = new Map<DeclSymbol, Fingerprint>(changed ? bindFile(changed).map((s) => [s, fingerprint(s)]) : []);
    const tableBefore = this.table;
    change();
    this.rebuild();
    const after = new Set<DeclSymbol>(this.table.all);
    // Symbols of unchanged files and unchanged declarations are the same objects: only added and
    // removed ones can differ; a key is dirty when its text, position or doc changed.
    const removed = new Map<string, string>();
    for (const s of before) {
      if (after.has(s)) continue;
      const f = fingerprints.get(s) ?? fingerprint(s);
      removed.set(f.at, f.text);
    }
    const added = new Map<string, string>();
    for (const s of after) {
      if (before.has(s)) continue;
      const f = fingerprint(s);
      added.set(f.at, f.text);
    }
    const dirty = new Set<string>([`file:${changedPath}`]);
    const touched = [...before].filter((s) => !after.has(s)).concat([...after].filter((s) => !before.has(s)));
    for (const key of changedNameSets(tableBefore, this.table, touched)) dirty.add(key);
    for (const [k, v] of removed) if (added.get(k) !== v) dirty.add(k.split("#")[0]!);
    for (const [k, v] of added) if (removed.get(k) !== v) dirty.add(k.split("#")[0]!);
    for (const symbol of before) if (!after.has(symbol)) this.results_.delete(symbol);
    for (const key of dirty) {
      for (const symbol of this.dependents.get(key) ?? []) this.results_.delete(symbol);
      this.dependents.delete(key);
    }
  }

  /**
   * The cached results that can hold positions in `file`: those of its declarations and of the
   * declarations that read one of them (a result only points into declarations it depends on).
   */
  private resultsReading(file: ProgramFile): DeclResult[] {
    const symbols = new Set<DeclSymbol>();
    for (const s of bindFile(file)) {
      symbols.add(s);
      for (const d of this.dependents.get(symbolKey(s)) ?? []) symbols.add(d);
    }
    const out: DeclResult[] = [];
    for (const s of symbols) {
      const result = this.results_.get(s);
      if (result) out.push(result);
    }
    return out;
  }

  diagnostics(): Diagnostic[] {
    if (this.diagnosticsCache) return this.diagnosticsCache;
    const out: Diagnostic[] = [];
    for (const root of this.missingRoots) {
      const problem = this.problems.get(root);
      out.push({
        code: problem?.code ?? "unknown-import",
        severity: "error",
        file: root,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: problem?.message ?? `cannot read the file ${root}`,
        hints: problem?.hints ?? [],
        fixes: [],
      });
    }
    for (const f of this.order) {
      out.push(...f.syntaxDiagnostics);
      out.push(...importDiagnostics(this.host, f, (path) => this.problems.get(path)));
    }
    out.push(...this.cycles);
    const envDiagnostic = this.unknownEnvDiagnostic();
    if (envDiagnostic) out.push(envDiagnostic);
    const uses = new Set<string>();
    const syntaxErrorOffsets = new Map<ProgramFile, number[]>();
    for (const s of this.table.all) {
      const r = this.checker.result(s);
      // A declaration the parser could not read whole is incomplete by that one mistake: its
      // missing fields would only repeat the syntax error.
      let offsets = syntaxErrorOffsets.get(s.file);
      if (!offsets) {
        offsets = s.file.syntaxDiagnostics.map((d) => s.file.lineMap.offset(d.range.start)).sort((a, b) => a - b);
        syntaxErrorOffsets.set(s.file, offsets);
      }
      const broken = anyWithin(offsets, s.node.span.start, s.node.span.end + 1);
      out.push(...(broken ? r.diagnostics.filter((d) => d.code !== "missing-field") : r.diagnostics));
      for (const u of r.uses) uses.add(u);
    }
    // A name an error suggests as its fix is not reported unused: that error is the real problem.
    for (const d of out) for (const f of d.fixes) for (const e of f.edits) uses.add(`decl:${e.newText}`), uses.add(`param:${e.newText}`);
    out.push(...this.duplicateDiagnostics(), ...this.pipelineDiagnostics(), ...this.unusedDiagnostics(uses));
    this.diagnosticsCache = capPerFile(dedupe(out).sort(compareDiagnostics));
    return this.diagnosticsCache;
  }

  /** `--env NAME` naming no env: reported at line 1 of the first root file, like missing-pipeline. */
  private unknownEnvDiagnostic(): Diagnostic | undefined {
    const first = this.order[0];
    if (this.env === undefined || !first || this.table.envs.has(this.env)) return undefined;
    const names = [...this.table.envs.keys()];
    const guess = closestMatch(this.env, names);
    return makeDiagnostic(first, "unknown-reference", { start: 0, end: 0 }, `no env is named \`${this.env}\` (selected with --env)`, [
      ...(guess ? [`did you mean \`${guess}\`?`] : []),
      names.length ? `envs: ${names.join(", ")}` : "the program declares no env: `env NAME { param = value }`",
    ]);
  }

  private duplicateDiagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    const report = (list: DeclSymbol[], what: string): void => {
      const first = list[0]!;
      for (const s of list.slice(1)) {
        const where = first.file === s.file ? `line ${first.file.lineMap.position(first.node.name.span.start).line + 1}` : first.file.path;
        out.push(
          makeDiagnostic(s.file, "duplicate-declaration", s.node.name.span, `${what} \`${s.name}\` is already declared (${where})`, [
            "names are shared across every file of the compilation",
          ]),
        );
      }
    };
    for (const list of this.table.blocks.values()) if (list.length > 1) report(list, "a declaration named");
    for (const list of this.table.params.values()) if (list.length > 1) report(list, "param");
    for (const list of this.table.envs.values()) if (list.length > 1) report(list, "env");
    return out;
  }

  private pipelineDiagnostics(): Diagnostic[] {
    const pipelines = this.table.pipelines;
    if (pipelines.length === 1) return [];
    if (pipelines.length === 0) {
      const first = this.order[0];
      if (!first) return [];
      return [
        makeDiagnostic(
          first,
          "missing-pipeline",
          { start: 0, end: 0 },
          "the compilation has no `pipeline` declaration",
          ['add one: pipeline NAME { owner = "team@example.com" }'],
          [
            {
              title: "Add a pipeline",
              edits: [
                {
                  file: first.path,
                  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
                  newText: 'pipeline main {\n  owner = ""\n}\n\n',
                },
              ],
            },
          ],
        ),
      ];
    }
    const first = pipelines[0]!;
    return pipelines
      .slice(1)
      .map((s) =>
        makeDiagnostic(
          s.file,
          "missing-pipeline",
          s.node.name.span,
          `a compilation has exactly one pipeline; \`${first.name}\` is already declared in ${first.file.path}`,
        ),
      );
  }

  private unusedDiagnostics(uses: Set<string>): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const s of this.table.all) {
      if (s.file.isStdlib) continue;
      if (s.kind === "param") {
        if (!uses.has(`param:${s.name}`))
          out.push(
            makeDiagnostic(s.file, "unused-declaration", s.node.name.span, `param \`${s.name}\` is never used (no \`params.${s.name}\`)`),
          );
        continue;
      }
      if (s.isTemplate || (s.declKind !== "source" && s.declKind !== "features" && s.declKind !== "notifier")) continue;
      if (!uses.has(`decl:${s.name}`))
        out.push(
          makeDiagnostic(s.file, "unused-declaration", s.node.name.span, `${DECL_KIND_NAMES[s.declKind]} \`${s.name}\` is never used`),
        );
    }
    return out;
  }

  model(env?: string): SemanticModel {
    this.diagnostics();
    const key = env ?? this.env ?? "";
    const cached = this.modelCache.get(key);
    if (cached) return cached;
    const model = buildSemanticModel(this, this.table, env ?? this.env);
    this.modelCache.set(key, model);
    return model;
  }
}

/** Where a declaration is (`KEY#path#offset`) and what it says (its text and doc comment). */
interface Fingerprint {
  at: string;
  text: string;
}

function fingerprint(s: DeclSymbol): Fingerprint {
  return {
    at: `${symbolKey(s)}#${s.file.path}#${s.node.span.start}`,
    text: `${s.node.doc ?? ""}\u0000${s.file.text.slice(s.node.span.start, s.node.span.end)}`,
  };
}

/** `text` with each lone UTF-16 surrogate replaced by U+FFFD (offsets do not move). */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/** Whether a sorted list holds a value in [from, to]. */
function anyWithin(sorted: number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! <= to;
}

/** The first MAX_DIAGNOSTICS_PER_FILE of each file (sorted input), then one `too-many-errors` where the rest begin. */
function capPerFile(sorted: Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  let count = 0;
  let firstDropped: Diagnostic | undefined;
  let droppedError = false;
  const flush = (): void => {
    if (!firstDropped) return;
    out.push({
      code: "too-many-errors",
      severity: droppedError ? "error" : "warning",
      file: firstDropped.file,
      range: firstDropped.range,
      message: `too many diagnostics in this file: the first ${MAX_DIAGNOSTICS_PER_FILE.toLocaleString("en-US")} are shown, the rest from here on are not`,
      hints: ["fix the ones above and check again"],
      fixes: [],
    });
    firstDropped = undefined;
    droppedError = false;
  };
  for (let i = 0; i < sorted.length; i++) {
    const d = sorted[i]!;
    if (i === 0 || d.file !== sorted[i - 1]!.file) {
      flush();
      count = 0;
    }
    if (count++ < MAX_DIAGNOSTICS_PER_FILE) out.push(d);
    else {
      firstDropped ??= d;
      droppedError ||= d.severity === "error";
    }
  }
  flush();
  return out;
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const k = `${d.file}:${d.range.start.line}:${d.range.start.character}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export { bindFile };
