/**
 * The files of a program: each parsed once and kept until its text changes,
 * and the import graph that decides which files belong to the compilation.
 */
import type { Diagnostic, DiagnosticCode, Fix } from "../diagnostics/diagnostic.js";
import { DEFAULT_SEVERITY } from "../diagnostics/diagnostic.js";
import type { CompilerHost } from "../host/host.js";
import { normalizePath, resolveRelative } from "../host/paths.js";
import type { ImportDeclaration, SourceFile, Span } from "../syntax/ast.js";
import type { LineMap } from "../syntax/line-map.js";
import { parse } from "../syntax/parse.js";
import { closestMatch } from "../checker/edit-distance.js";
import type { FileProblem } from "./file-access.js";

export interface ResolvedImport {
  node: ImportDeclaration;
  /** The imported file, or undefined when it resolves to nothing. */
  path: string | undefined;
  /** `gates` for `import std.gates`. */
  stdlibModule?: string;
}

export interface ProgramFile {
  path: string;
  text: string;
  ast: SourceFile;
  lineMap: LineMap;
  syntaxDiagnostics: Diagnostic[];
  imports: ResolvedImport[];
  /** True for files of the standard library (no unused-declaration warnings there). */
  isStdlib: boolean;
}

export function makeDiagnostic(
  file: ProgramFile,
  code: DiagnosticCode,
  span: Span,
  message: string,
  hints: string[] = [],
  fixes: Fix[] = [],
): Diagnostic {
  return { code, severity: DEFAULT_SEVERITY[code], file: file.path, range: file.lineMap.range(span), message, hints, fixes };
}

export function loadFile(host: CompilerHost, path: string, text: string, isStdlib: boolean): ProgramFile {
  const { file: ast, diagnostics, lineMap } = parse(text, path);
  return { path, text, ast, lineMap, syntaxDiagnostics: diagnostics, imports: resolveImports(host, path, ast), isStdlib };
}

export function resolveImports(host: CompilerHost, path: string, ast: SourceFile): ResolvedImport[] {
  const out: ResolvedImport[] = [];
  for (const decl of ast.declarations) {
    if (decl.kind !== "Import") continue;
    if (decl.target.kind === "String") {
      const target = resolveRelative(path, decl.target.value);
      // Anything at the path resolves the import: what the compiler refuses to read is said when it is read.
      out.push({ node: decl, path: host.stat(target) !== undefined ? normalizePath(target) : undefined });
    } else {
      const names = decl.target.segments.map((s) => s.name);
      const module = names[0] === "std" ? names.slice(1).join(".") : undefined;
      const modulePath = module ? host.stdlibModulePath(module) : undefined;
      out.push({ node: decl, path: modulePath ? normalizePath(modulePath) : undefined, stdlibModule: module ?? names.join(".") });
    }
  }
  return out;
}

/** The normalised path a file import names, resolved or not (undefined for a module import). */
export function importTarget(file: ProgramFile, imp: ResolvedImport): string | undefined {
  const target = imp.node.target;
  return target.kind === "String" ? normalizePath(resolveRelative(file.path, target.value)) : undefined;
}

/** Diagnostics of imports that resolve to nothing, or to a file the compiler would not read (`problemOf`). */
export function importDiagnostics(
  host: CompilerHost,
  file: ProgramFile,
  problemOf: (path: string) => FileProblem | undefined = () => undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const imp of file.imports) {
    const problem = imp.path !== undefined ? problemOf(imp.path) : undefined;
    if (problem) {
      out.push(makeDiagnostic(file, problem.code, imp.node.target.span, `cannot import this file: ${problem.message}`, problem.hints));
      continue;
    }
    if (imp.path !== undefined) continue;
    const target = imp.node.target;
    if (target.kind === "String") {
      out.push(
        makeDiagnostic(
          file,
          "unknown-import",
          target.span,
          `cannot find the imported file "${target.value}" (resolved to ${resolveRelative(file.path, target.value)})`,
          ["paths are relative to the importing file"],
        ),
      );
    } else {
      const written = target.segments.map((s) => s.name).join(".");
      const modules = host.stdlibModules();
      const hints: string[] = [];
      const fixes: Fix[] = [];
      if (target.segments[0]?.name !== "std")
        hints.push('module imports start with `std.` (a file import is a string: `import "./x.mlops"`)');
      else {
        const guess = closestMatch(imp.stdlibModule ?? "", modules);
        if (guess) {
          hints.push(`did you mean \`std.${guess}\`?`);
          fixes.push({
            title: `Change to std.${guess}`,
            edits: [{ file: file.path, range: file.lineMap.range(target.span), newText: `std.${guess}` }],
          });
        }
        if (modules.length) hints.push(`stdlib modules: ${modules.map((m) => `std.${m}`).join(", ")}`);
      }
      out.push(makeDiagnostic(file, "unknown-import", target.span, `\`${written}\` is not a module of the standard library`, hints, fixes));
    }
  }
  return out;
}

/**
 * The files reachable from the roots (roots first, then in import order) and a
 * diagnostic for each import that closes a cycle. A depth-first walk with an explicit
 * stack: an import chain thousands of files deep costs no call stack.
 */
export function collectReachable(
  roots: string[],
  get: (path: string) => ProgramFile | undefined,
): { order: ProgramFile[]; cycles: Diagnostic[] } {
  const order: ProgramFile[] = [];
  const state = new Map<string, "active" | "done">();
  const cycles: Diagnostic[] = [];
  const stack: Array<{ path: string; file: ProgramFile; next: number }> = [];
  const enter = (path: string): void => {
    const file = get(path);
    if (!file) return;
    state.set(path, "active");
    order.push(file);
    stack.push({ path, file, next: 0 });
  };
  for (const root of roots) {
    if (state.has(root)) continue;
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const imp = top.file.imports[top.next++];
      if (!imp) {
        state.set(top.path, "done");
        stack.pop();
        continue;
      }
      if (imp.path === undefined) continue;
      const s = state.get(imp.path);
      if (s === "active") {
        cycles.push(
          makeDiagnostic(
            top.file,
            "cyclic-reference",
            imp.node.target.span,
            `importing "${imp.path}" here makes an import cycle: that file already imports this one (directly or through others)`,
            ["move the shared declarations to a third file that both import"],
          ),
        );
      } else if (s === undefined) enter(imp.path);
    }
  }
  return { order, cycles };
}
