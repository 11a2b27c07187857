import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type Position } from "vscode-languageserver";
import { completionsAt, type CompletionKind, type Program } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";
import { typeText } from "../util/print.js";

/** Completions that come from the checker's semantic model (fields, columns, members, metrics, units...). */
export type SemanticCompletions = (doc: ParsedDocument, offset: number) => CompletionItem[];

/** What the client can take and what the project holds, for the compiler's completions. */
export interface CompletionContext {
  /** The client inserts snippets (`textDocument.completion.completionItem.snippetSupport`). */
  snippets: boolean;
  /** Every `.mlops` file of the workspace (for `import "./`). */
  projectFiles: () => readonly string[];
}

/** Completion: what the compiler's services expect at the cursor (`completionsAt`), as LSP items. */
export function completion(doc: ParsedDocument, position: Position, semantic: SemanticCompletions | undefined): CompletionList {
  const offset = doc.lineMap.offset(position);
  return { isIncomplete: false, items: semantic ? semantic(doc, offset) : [] };
}

const ITEM_KIND: Record<CompletionKind, CompletionItemKind> = {
  field: CompletionItemKind.Field,
  column: CompletionItemKind.Property,
  feature: CompletionItemKind.Variable,
  metric: CompletionItemKind.EnumMember,
  "drift-method": CompletionItemKind.Method,
  unit: CompletionItemKind.Unit,
  "enum-value": CompletionItemKind.EnumMember,
  declaration: CompletionItemKind.Reference,
  keyword: CompletionItemKind.Keyword,
  param: CompletionItemKind.Constant,
  module: CompletionItemKind.Module,
  function: CompletionItemKind.Function,
  signal: CompletionItemKind.Event,
};

/** The checker's completions at `offset` as LSP items (in the checker's order). */
export function checkerCompletions(program: Program, doc: ParsedDocument, offset: number, context: CompletionContext): CompletionItem[] {
  const lineStart = doc.text.lastIndexOf("\n", offset - 1) + 1;
  if (/params\.\w*$/.test(doc.text.slice(lineStart, offset))) return paramCompletions(program);
  // a unit is glued to its number (`512Mi`): replace only the unit letters typed so far, never the number
  const unitTyped = /\d([A-Za-z%]*)$/.exec(doc.text.slice(lineStart, offset))?.[1];
  return completionsAt(program, doc.path, offset, { projectFiles: context.projectFiles() }).map((item, index) => {
    const out: CompletionItem = {
      label: item.label,
      kind: ITEM_KIND[item.kind] ?? CompletionItemKind.Text,
      sortText: String(index).padStart(4, "0"),
    };
    if (item.detail) out.detail = item.detail;
    if (item.documentation) out.documentation = { kind: "markdown", value: item.documentation };
    const snippet = context.snippets ? item.snippet : undefined;
    const newText = snippet ?? item.insertText ?? item.label;
    if (snippet) out.insertTextFormat = InsertTextFormat.Snippet;
    if (item.replace) {
      out.textEdit = { range: { start: doc.lineMap.position(item.replace.start), end: doc.lineMap.position(item.replace.end) }, newText };
      out.filterText = item.label;
    } else if (item.kind === "unit" && unitTyped !== undefined) {
      const range = { start: doc.lineMap.position(offset - unitTyped.length), end: doc.lineMap.position(offset) };
      out.textEdit = { range, newText };
      out.filterText = item.label;
    } else if (newText !== item.label) out.insertText = newText;
    return out;
  });
}

/** `params.` members from the declarations alone: no need to check (and resolve) the whole program. */
function paramCompletions(program: Program): CompletionItem[] {
  return [...program.symbols().params.values()].map((list, index) => {
    const node = list[0]!.node;
    const item: CompletionItem = {
      label: node.name.name,
      kind: CompletionItemKind.Constant,
      detail: `param ${node.name.name}: ${node.type ? typeText(node.type) : "?"}`,
      sortText: String(index).padStart(4, "0"),
    };
    if (node.doc) item.documentation = { kind: "markdown", value: node.doc };
    return item;
  });
}
