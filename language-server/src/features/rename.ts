import { ErrorCodes, ResponseError, type Position, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import { referencesOf, symbolAt, type BlockDeclaration, type Program, type SemanticSymbol } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Words a name cannot take without changing what the source means. */
const RESERVED = new Set([
  "true",
  "false",
  "and",
  "or",
  "not",
  "params",
  "champion",
  "training",
  "prediction",
  "template",
  "import",
  "param",
  "from",
  "extends",
  "if",
]);
const BLOCK_KEYWORDS = new Set(["pipeline", "env", "source", "features", "model", "gate", "deploy", "monitor", "notifier"]);

function renameError(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidRequest, message);
}

function target(program: Program, doc: ParsedDocument, position: Position): { symbol: SemanticSymbol; range: Range } {
  const ref = symbolAt(program, doc.path, doc.lineMap.offset(position));
  if (!ref) throw renameError("There is nothing to rename here: put the cursor on a declaration, param, column or feature name.");
  const file = program.file(ref.symbol.file);
  if (file?.isStdlib) throw renameError(`\`${ref.symbol.name}\` is declared in the standard library and cannot be renamed.`);
  return { symbol: ref.symbol, range: doc.lineMap.range(ref.span) };
}

/** Where the rename applies and the current name (or an error saying why it cannot). */
export function prepareRename(program: Program, doc: ParsedDocument, position: Position): { range: Range; placeholder: string } {
  const { symbol, range } = target(program, doc, position);
  return { range, placeholder: symbol.name };
}

/** Renames a declaration, param, env, column or feature everywhere; refuses invalid names and collisions. */
export function rename(
  program: Program,
  doc: ParsedDocument,
  position: Position,
  newName: string,
  uriOf: (path: string) => string,
): WorkspaceEdit {
  const { symbol } = target(program, doc, position);
  if (!IDENTIFIER.test(newName))
    throw renameError(`\`${newName}\` is not a valid name: use letters, digits and \`_\`, not starting with a digit.`);
  if (RESERVED.has(newName) || (symbol.kind === "declaration" && BLOCK_KEYWORDS.has(newName)))
    throw renameError(`\`${newName}\` is a reserved word of the language and cannot name a ${symbol.kind}.`);
  if (newName === symbol.name) return { changes: {} };
  const collision = findCollision(program, symbol, newName);
  if (collision) throw renameError(`Cannot rename \`${symbol.name}\` to \`${newName}\`: ${collision}.`);
  const changes: Record<string, TextEdit[]> = {};
  for (const location of referencesOf(program, symbol, true)) {
    (changes[uriOf(location.file)] ??= []).push({ range: location.range, newText: newName });
  }
  return { changes };
}

function findCollision(program: Program, symbol: SemanticSymbol, name: string): string | undefined {
  const table = program.symbols();
  switch (symbol.kind) {
    case "declaration": {
      const other = table.block(name);
      return other
        ? `a ${other.isTemplate ? "template " : ""}${other.declKind} named \`${name}\` already exists (${other.file.path})`
        : undefined;
    }
    case "param":
      return table.param(name) ? `a param named \`${name}\` already exists` : undefined;
    case "env":
      return table.envs.has(name) ? `an env named \`${name}\` already exists` : undefined;
    case "column": {
      const source = table.block(symbol.container ?? "");
      if (source && columnsOf(source.node).includes(name)) return `source \`${symbol.container}\` already has a column \`${name}\``;
      for (const set of table.blocksOf("features", true)) {
        if (set.node.from?.name === symbol.container && featuresOf(set.node).includes(name))
          return `feature set \`${set.name}\` (from \`${symbol.container}\`) has a feature \`${name}\` that would shadow it`;
      }
      return undefined;
    }
    case "feature": {
      const set = table.block(symbol.container ?? "");
      if (!set) return undefined;
      if (featuresOf(set.node).includes(name)) return `feature set \`${symbol.container}\` already has a feature \`${name}\``;
      const source = set.node.from ? table.block(set.node.from.name) : undefined;
      if (source && columnsOf(source.node).includes(name))
        return `\`${name}\` is a column of \`${source.name}\`, the source of \`${symbol.container}\``;
      return undefined;
    }
  }
}

function columnsOf(block: BlockDeclaration): string[] {
  return block.members.flatMap((m) => (m.kind === "Schema" ? m.columns.map((c) => c.name.name) : []));
}

function featuresOf(block: BlockDeclaration): string[] {
  return block.members.flatMap((m) => (m.kind === "Field" ? [m.name.name] : []));
}
