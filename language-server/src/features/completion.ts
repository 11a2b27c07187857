import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type Position } from "vscode-languageserver";
import {
  completionsAt,
  type BlockDeclaration,
  type BlockKeyword,
  type CompletionKind,
  type Program,
  type SourceFile,
} from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";
import { typeText } from "../util/print.js";

/** Completions that come from the checker's semantic model (fields, columns, members, metrics, units...). */
export type SemanticCompletions = (doc: ParsedDocument, offset: number) => CompletionItem[];

/**
 * Completion: at the top level, the declaration kinds with a snippet for a
 * whole block; everywhere else, what the checker expects at the cursor.
 */
export function completion(doc: ParsedDocument, position: Position, semantic: SemanticCompletions | undefined): CompletionList {
  const offset = doc.lineMap.offset(position);
  if (isTopLevelLineStart(doc, offset)) return { isIncomplete: false, items: topLevelItems(doc.file) };
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
export function checkerCompletions(program: Program, doc: ParsedDocument, offset: number): CompletionItem[] {
  const lineStart = doc.text.lastIndexOf("\n", offset - 1) + 1;
  if (/params\.\w*$/.test(doc.text.slice(lineStart, offset))) return paramCompletions(program);
  // a unit is glued to its number (`512Mi`): replace only the unit letters typed so far, never the number
  const unitTyped = /\d([A-Za-z%]*)$/.exec(doc.text.slice(lineStart, offset))?.[1];
  return completionsAt(program, doc.path, offset).map((item, index) => {
    const out: CompletionItem = {
      label: item.label,
      kind: ITEM_KIND[item.kind] ?? CompletionItemKind.Text,
      sortText: String(index).padStart(4, "0"),
    };
    if (item.detail) out.detail = item.detail;
    if (item.documentation) out.documentation = { kind: "markdown", value: item.documentation };
    if (item.insertText) out.insertText = item.insertText;
    if (item.kind === "unit" && unitTyped !== undefined) {
      const range = { start: doc.lineMap.position(offset - unitTyped.length), end: doc.lineMap.position(offset) };
      out.textEdit = { range, newText: item.insertText ?? item.label };
      out.filterText = item.label;
    }
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

/** True when the cursor is outside every block body and only a word (or nothing) precedes it on its line. */
export function isTopLevelLineStart(doc: ParsedDocument, offset: number): boolean {
  const lineStart = doc.text.lastIndexOf("\n", offset - 1) + 1;
  const before = doc.text.slice(lineStart, offset);
  if (!/^[A-Za-z_]*$/.test(before)) return false;
  for (const d of doc.file.declarations) {
    const body = d.kind === "Block" ? d.bodySpan : d.span;
    if (d.kind === "Block" ? body.start < offset && offset < body.end : d.span.start < lineStart && offset < d.span.end) return false;
  }
  return !insideUnclosedBlock(doc, lineStart);
}

/** A block whose `{` was never closed swallows the rest of the file: the parser's span may end early. */
function insideUnclosedBlock(doc: ParsedDocument, lineStart: number): boolean {
  let depth = 0;
  const text = doc.text;
  let inString = false;
  for (let i = 0; i < lineStart; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"' || c === "\n") inString = false;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      const nl = text.indexOf("\n", i);
      if (nl < 0) break;
      i = nl;
    } else if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) return false;
      i = close + 1;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}") depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}

const KEYWORD_DOCS: Record<BlockKeyword | "param" | "import" | "template", string> = {
  pipeline: "The pipeline's metadata (exactly one per compilation).",
  env: "An environment: overrides of params (`mlops build --env NAME`).",
  source: "Where data comes from and what it must look like.",
  features: "Feature expressions computed from a source's columns.",
  model: "A model: task, features, target and trainer.",
  gate: "The bar a model must pass before it is released.",
  deploy: "Where and how a model is served.",
  monitor: "Drift and health checks on a deployment, with policies.",
  param: "A typed parameter, overridable per env.",
  import: "Brings another file's declarations (or a stdlib module) into scope.",
  template: "A reusable partial block that others `extends`.",
};

function names(file: SourceFile, keyword: BlockKeyword, fallback: string): string {
  const found = file.declarations
    .filter((d): d is BlockDeclaration => d.kind === "Block" && d.keyword === keyword && !d.isTemplate)
    .map((d) => d.name.name);
  return found.length > 0 ? `|${[...new Set(found)].join(",")}|` : `:${fallback}`;
}

function snippets(file: SourceFile): Record<string, string> {
  const model = names(file, "model", "model");
  const source = names(file, "source", "source");
  return {
    pipeline: 'pipeline ${1:name} {\n  owner       = "${2:team@example.com}"\n  description = "${3}"\n}',
    param: "param ${1:name}: ${2|int,float,ratio,string,bool,duration|} = ${3:value}",
    env: "env ${1:prod} {\n  ${2:param} = ${3:value}\n}",
    import: 'import "${1:./common.mlops}"',
    source:
      'source ${1:name} {\n  format = ${2|csv,jsonl,parquet|}\n  path   = "${3:data/file.csv}"\n  schema {\n    ${4:column}: ${5|int,float,bool,string,timestamp,date|}\n  }\n}',
    features: `features \${1:name} from \${2${source}} {\n  \${3:feature} = \${4:expression}\n}`,
    model:
      "model ${1:name} {\n  task     = ${2|binary_classification,multiclass_classification,regression|}\n  features = ${3:feature_set}\n" +
      `  target   = \${4${source}}.\${5:column}\n  trainer  = \${6|logistic_regression,softmax_regression,linear_regression|} { epochs = \${7:100} }\n}`,
    gate: `gate \${1:name} {\n  model = \${2${model}}\n  require \${3:auc} >= \${4:80%}\n}`,
    deploy: `deploy \${1:name} {\n  model  = \${2${model}}\n  target = local { port = \${3:8080} }\n}`,
    monitor:
      "monitor ${1:name} {\n  deployment = ${2" +
      names(file, "deploy", "deployment") +
      '}\n  reference  = training\n  window     = ${3:1d}\n  schedule   = every(${4:6h})\n  drift ${5:column}: ${6|psi,wasserstein,jensen_shannon|} > ${7:0.2}\n  when drift_share >= ${8:30%} => alert("${9:ml-oncall}")\n}',
    template: "template ${1|deploy,model,gate,monitor,source|} ${2:name} {\n  $0\n}",
  };
}

function topLevelItems(file: SourceFile): CompletionItem[] {
  const items: CompletionItem[] = [];
  const bodies = snippets(file);
  const hasPipeline = file.declarations.some((d) => d.kind === "Block" && d.keyword === "pipeline");
  let order = 0;
  for (const [keyword, body] of Object.entries(bodies)) {
    const sort = String(order++).padStart(2, "0");
    if (keyword === "pipeline" && hasPipeline) continue;
    items.push({
      label: keyword,
      kind: CompletionItemKind.Keyword,
      detail: `${keyword} declaration`,
      documentation: KEYWORD_DOCS[keyword as keyof typeof KEYWORD_DOCS],
      insertText: `${keyword} `,
      sortText: `1${sort}`,
    });
    items.push({
      label: `${keyword} block`,
      filterText: keyword,
      kind: CompletionItemKind.Snippet,
      detail: `a whole \`${keyword}\` declaration`,
      documentation: {
        kind: "markdown",
        value: `\`\`\`mlops\n${body.replace(/\$\{\d+[:|]([^}|]*)[^}]*\}/g, "$1").replace(/\$\d/g, "")}\n\`\`\``,
      },
      insertText: body,
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: `0${sort}`,
    });
  }
  return items;
}
