import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  type Range,
  type SnippetTextEdit,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import type { BlockDeclaration, Declaration, Expr, Fix, MissingFieldsFix, Node, SourceFile } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";
import type { DiagnosticData } from "./diagnostics.js";
import { walk } from "@mlops/compiler";
import { typeText } from "../util/print.js";

export interface CodeActionHelpers {
  uriOf(path: string): string;
  /** The type of the expression at `span` as the checker sees it (`string?`), when known. */
  typeOf?(doc: ParsedDocument, expr: Expr): string | undefined;
  /** "Add the missing required fields" of the declaration named at `offset`, each value checked (compiler services). */
  missingFieldsFix?(doc: ParsedDocument, offset: number): MissingFieldsFix | undefined;
  /** False when a compiler fix would leave an error where it writes (checked on a copy of the program). */
  fixChecks?(doc: ParsedDocument, fix: Fix): boolean;
  /** The client applies snippet text edits in a workspace edit (LSP 3.18 `snippetEditSupport`). */
  snippetEdits?: boolean;
}

/**
 * Quick fixes for the diagnostics in the request: the compiler's own fixes
 * (did-you-mean and the like), then the editor's: add missing required
 * fields, remove an unused declaration, wrap a nullable in `coalesce`.
 */
export function codeActions(doc: ParsedDocument, diagnostics: LspDiagnostic[], helpers: CodeActionHelpers, only?: string[]): CodeAction[] {
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind) || kind.startsWith(CodeActionKind.QuickFix))) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== undefined && diagnostic.source !== "mlops") continue;
    const data = diagnostic.data as Partial<DiagnosticData> | undefined;
    const fixes = Array.isArray(data?.fixes) ? data.fixes : [];
    const ownFixFirst = diagnostic.code === "missing-field" || diagnostic.code === "nullable-misuse";
    // a missing field's value is inserted text: offer it only when it type-checks there
    const offered = diagnostic.code === "missing-field" ? fixes.filter((fix) => helpers.fixChecks?.(doc, fix) ?? true) : fixes;
    offered.forEach((fix, index) =>
      actions.push(fromFix(doc, fix, diagnostic, helpers, !ownFixFirst && index === 0 && offered.length === 1)),
    );
    switch (diagnostic.code) {
      case "missing-field": {
        const fix = helpers.missingFieldsFix?.(doc, doc.lineMap.offset(diagnostic.range.start));
        const action = fix && missingFieldsAction(doc, fix, diagnostic, helpers.snippetEdits === true);
        if (action) actions.push(action);
        break;
      }
      case "unused-declaration": {
        const declaration = declarationNamedAt(doc.file, doc.lineMap.offset(diagnostic.range.start));
        if (declaration)
          actions.push(
            quickFix(
              `Remove unused declaration \`${declarationName(declaration)}\``,
              diagnostic,
              { changes: { [doc.uri]: [removeDeclaration(doc, declaration)] } },
              false,
            ),
          );
        break;
      }
      case "nullable-misuse": {
        const expr = expressionAt(doc.file, doc.lineMap.offset(diagnostic.range.start), doc.lineMap.offset(diagnostic.range.end));
        const wrap = expr && coalesceFix(doc, expr, helpers);
        // `coalesce` is right in a feature expression, not where a column or feature set is named (`target`, `features`)
        if (wrap && (helpers.fixChecks?.(doc, wrap) ?? true)) {
          const [edit] = wrap.edits;
          actions.push(
            quickFix(wrap.title, diagnostic, { changes: { [doc.uri]: [{ range: edit!.range, newText: edit!.newText }] } }, true),
          );
        }
        break;
      }
      default:
        break;
    }
  }
  const seen = new Set<string>();
  return actions.filter((a) => {
    const key = `${a.title}\u0000${JSON.stringify(a.edit)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The preferred fix for missing fields: a snippet (every value a tab stop, an empty one where no value
 * type-checks) when the client takes snippet edits, else the fields whose value type-checks.
 */
function missingFieldsAction(
  doc: ParsedDocument,
  fix: MissingFieldsFix,
  diagnostic: LspDiagnostic,
  snippets: boolean,
): CodeAction | undefined {
  const range = { start: fix.range.start, end: fix.range.end };
  if (snippets) {
    const edit: WorkspaceEdit = {
      documentChanges: [
        {
          textDocument: { uri: doc.uri, version: null },
          edits: [{ range, snippet: { kind: "snippet", value: fix.snippet } } satisfies SnippetTextEdit],
        },
      ],
    };
    return quickFix(fix.snippetTitle, diagnostic, edit, true);
  }
  if (fix.text === "") return undefined;
  return quickFix(fix.title, diagnostic, { changes: { [doc.uri]: [{ range, newText: fix.text }] } }, true);
}

function quickFix(title: string, diagnostic: LspDiagnostic, edit: WorkspaceEdit, isPreferred: boolean): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, isPreferred };
}

function fromFix(doc: ParsedDocument, fix: Fix, diagnostic: LspDiagnostic, helpers: CodeActionHelpers, isPreferred: boolean): CodeAction {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of fix.edits) {
    const uri = edit.file ? helpers.uriOf(edit.file) : doc.uri;
    (changes[uri] ??= []).push({ range: edit.range, newText: edit.newText });
  }
  return quickFix(fix.title, diagnostic, { changes }, isPreferred);
}

/** The declaration whose name (or, failing that, whose span) contains `offset`. */
function declarationNamedAt(file: SourceFile, offset: number): Declaration | undefined {
  const named = file.declarations.find((d) => d.kind !== "Import" && d.name.span.start <= offset && offset <= d.name.span.end);
  return named ?? file.declarations.find((d) => d.span.start <= offset && offset < d.span.end);
}

function declarationName(d: Declaration): string {
  return d.kind === "Import" ? "import" : d.name.name;
}

/** Deletes whole lines: the declaration, its doc comment, and one blank line after it. */
function removeDeclaration(doc: ParsedDocument, d: Declaration): TextEdit {
  let start = d.span.start;
  const docComments = doc.file.comments.filter((c) => c.style === "doc" && c.span.end <= start);
  for (let i = docComments.length - 1; i >= 0; i--) {
    const c = docComments[i]!;
    if (/^\s*$/.test(doc.text.slice(c.span.end, start))) start = c.span.start;
    else break;
  }
  const startLine = doc.lineMap.position(start).line;
  let endLine = doc.lineMap.position(d.span.end).line + 1;
  if (
    endLine < doc.lineMap.lineCount &&
    doc.lineMap.lineText(endLine).trim() === "" &&
    (startLine === 0 || doc.lineMap.lineText(startLine - 1).trim() === "")
  )
    endLine++;
  const range: Range = { start: { line: startLine, character: 0 }, end: { line: endLine, character: 0 } };
  if (endLine >= doc.lineMap.lineCount) range.end = doc.lineMap.position(doc.text.length);
  return { range, newText: "" };
}

/** The outermost expression exactly covering [start, end), else the innermost one containing it. */
function expressionAt(file: SourceFile, start: number, end: number): Expr | undefined {
  let exact: Expr | undefined;
  let containing: Expr | undefined;
  walk(file, (node: Node) => {
    if (node.span.start > start || node.span.end < end) return false;
    if (isExpr(node)) {
      if (node.span.start === start && node.span.end === end) exact ??= node;
      containing = node;
    }
    return true;
  });
  return exact ?? containing;
}

const EXPR_KINDS = new Set([
  "Number",
  "String",
  "Boolean",
  "Name",
  "Member",
  "Call",
  "Constructor",
  "List",
  "Record",
  "Binary",
  "Unary",
  "Paren",
  "Error",
]);
function isExpr(node: Node): node is Expr {
  return EXPR_KINDS.has(node.kind);
}

/** `expr` wrapped in `coalesce(expr, fallback)`, with a neutral value of its type as the fallback. */
function coalesceFix(doc: ParsedDocument, expr: Expr, helpers: CodeActionHelpers): Fix {
  const text = doc.text.slice(expr.span.start, expr.span.end);
  const fallback = fallbackFor(helpers.typeOf?.(doc, expr) ?? columnTypeName(doc.file, expr));
  const newText = `coalesce(${text}, ${fallback})`;
  return { title: `Wrap \`${text}\` in ${newText}`, edits: [{ file: doc.path, range: doc.lineMap.range(expr.span), newText }] };
}

/** The declared type of a column named by `expr` in the features block around it (from the syntax alone). */
function columnTypeName(file: SourceFile, expr: Expr): string | undefined {
  if (expr.kind !== "Name") return undefined;
  const block = file.declarations.find(
    (d): d is BlockDeclaration => d.kind === "Block" && d.span.start <= expr.span.start && expr.span.end <= d.span.end,
  );
  const sourceName = block?.keyword === "features" ? block.from?.name : block?.keyword === "source" ? block.name.name : undefined;
  const source = file.declarations.find(
    (d): d is BlockDeclaration => d.kind === "Block" && d.keyword === "source" && d.name.name === sourceName,
  );
  for (const m of source?.members ?? []) {
    if (m.kind !== "Schema") continue;
    const column = m.columns.find((c) => c.name.name === expr.name.name);
    if (column) return typeText(column.type);
  }
  return undefined;
}

/** A neutral non-null value of a type, as source text. */
export function fallbackFor(type: string | undefined): string {
  const base = (type ?? "").replace(/\?$/, "");
  if (base === "int" || base === "float" || base.startsWith("vector")) return "0";
  if (base === "bool") return "false";
  if (base.startsWith("enum(")) {
    const first = /enum\(\s*"([^"]*)"/.exec(base);
    return first ? JSON.stringify(first[1]) : '""';
  }
  if (base === "string" || base === "") return '"unknown"';
  return '"unknown"';
}
