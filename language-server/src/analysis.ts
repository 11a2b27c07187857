import { createProgram, fixChecks, missingFieldsFix, typeAt, type Diagnostic, type Program } from "@mlops/compiler";
import { checkerCompletions, type CompletionContext, type SemanticCompletions } from "./features/completion.js";
import { checkerHover, type SemanticHover } from "./features/hover.js";
import type { CodeActionHelpers } from "./features/code-actions.js";
import type { ParsedDocument, Workspace } from "./workspace.js";
import { compilationRoot } from "./util/roots.js";

/**
 * The semantic side of the server: one compiler Program per compilation the
 * open files belong to (a file's compilation is the file itself, or the file
 * with a `pipeline` that imports it), kept in step with the buffers through
 * `updateFile`. Diagnostics come from exactly the checker `mlops check` runs.
 */
export class Analysis {
  private env: string | undefined;
  private readonly programs = new Map<string, Program>();
  /**
   * Per program, the files to read again through the host before its next use: closed files whose
   * text may have changed (on disk, or back to the disk text after closing) and files that may have
   * appeared or gone (created, deleted, opened unsaved, closed unsaved), whose importers re-resolve.
   */
  private readonly stale = new Map<Program, Set<string>>();

  constructor(private readonly workspace: Workspace) {
    workspace.onDidChange((path, kind) => {
      if (kind === "edit") return;
      for (const files of this.stale.values()) files.add(path);
      // a closed root's program is rebuilt from disk when next needed
      if (!workspace.isOpen(path)) this.drop(path);
    });
  }

  setEnv(env: string | undefined): void {
    this.env = env;
    for (const program of this.programs.values()) program.setEnv(env);
  }

  get selectedEnv(): string | undefined {
    return this.env;
  }

  /** Completions from the checker's model of the document's compilation. */
  readonly completionContext: CompletionContext = { snippets: true, projectFiles: () => this.workspace.allPaths() };

  readonly completions: SemanticCompletions = (doc, offset) => {
    const program = this.programFor(doc.path);
    return program ? checkerCompletions(program, doc, offset, this.completionContext) : [];
  };

  readonly hover: SemanticHover = (doc, offset) => {
    const program = this.programFor(doc.path);
    return program ? checkerHover(program, doc, offset, this.env) : undefined;
  };

  readonly codeActionHelpers: CodeActionHelpers = {
    uriOf: (path) => this.workspace.uriOf(path),
    missingFieldsFix: (doc, offset) => {
      const program = this.programFor(doc.path);
      return program ? missingFieldsFix(program, doc.path, offset) : undefined;
    },
    fixChecks: (doc, fix) => {
      const program = this.programFor(doc.path);
      return program ? fixChecks(program, fix) : false;
    },
    typeOf: (doc, expr) => {
      const program = this.programFor(doc.path);
      const found = program ? typeAt(program, doc.path, expr.span.start) : undefined;
      return found && found.span.start === expr.span.start && found.span.end === expr.span.end ? found.text : undefined;
    },
  };

  /** The up-to-date program of the compilation `path` belongs to. */
  programFor(path: string): Program | undefined {
    const root = compilationRoot(this.workspace, path);
    let program = this.programs.get(root);
    if (!program) {
      if (this.workspace.text(root) === undefined) return undefined;
      const folder = this.workspace.folderOf(root);
      program = createProgram({
        host: this.workspace.host,
        rootFiles: [root],
        // files outside the workspace folder (or, for a lone file, its folder) are not read, as in `mlops check`
        ...(folder ? { projectRoot: folder } : {}),
        ...(this.env ? { env: this.env } : {}),
      });
      this.programs.set(root, program);
      this.stale.set(program, new Set());
    }
    this.sync(program);
    return program;
  }

  /**
   * The document at `uriOrPath` with its syntax tree, parsed once: the
   * program's own parse of the buffer (so AST features and semantic queries
   * share one tree), else a plain parse.
   */
  document(uriOrPath: string): ParsedDocument | undefined {
    const path = this.workspace.pathOf(uriOrPath);
    const text = this.workspace.text(path);
    if (text === undefined) return undefined;
    const file = this.programFor(path)?.file(path);
    if (!file || file.text !== text) return this.workspace.parsed(path);
    return {
      uri: this.workspace.uriOf(path),
      path,
      text,
      lineMap: file.lineMap,
      file: file.ast,
      syntaxDiagnostics: file.syntaxDiagnostics,
    };
  }

  /** The program and the document together, for semantic queries. */
  semantic(uriOrPath: string): { program: Program; doc: ParsedDocument } | undefined {
    const doc = this.document(uriOrPath);
    const program = doc && this.programFor(doc.path);
    return doc && program ? { program, doc } : undefined;
  }

  diagnostics(): Map<string, Diagnostic[]> {
    const roots = new Set(this.workspace.openPaths().map((p) => compilationRoot(this.workspace, p)));
    for (const root of [...this.programs.keys()]) if (!roots.has(root)) this.drop(root);
    const result = new Map<string, Diagnostic[]>();
    for (const root of [...roots].sort()) {
      const program = this.programFor(root);
      if (!program) continue;
      const byFile = new Map<string, Diagnostic[]>();
      for (const file of program.files()) if (!file.isStdlib) byFile.set(file.path, []);
      for (const d of program.diagnostics()) byFile.get(d.file)?.push(d) ?? byFile.set(d.file, [d]);
      for (const [file, list] of byFile) if (!result.has(file)) result.set(file, list);
    }
    return result;
  }

  private drop(root: string): void {
    const program = this.programs.get(root);
    if (!program) return;
    this.programs.delete(root);
    this.stale.delete(program);
  }

  /** Brings the program's files up to date with the buffers (cheap when nothing changed). */
  private sync(program: Program): void {
    const stale = this.stale.get(program);
    if (stale && stale.size > 0) {
      const paths = [...stale];
      stale.clear();
      // re-read through the host (the buffer when open): importers of a file that appeared or went re-resolve
      for (const path of paths) program.refreshFile(path);
    }
    for (const file of program.files()) {
      if (!this.workspace.isOpen(file.path)) continue;
      const text = this.workspace.text(file.path)!;
      if (text !== file.text) program.updateFile(file.path, text);
    }
    // an open root that was not loaded takes the buffer's text (a closed one is read through the host's rules)
    for (const root of program.rootFiles) {
      if (!program.file(root) && this.workspace.isOpen(root)) {
        const text = this.workspace.text(root);
        if (text !== undefined) program.updateFile(root, text);
      }
    }
  }
}
