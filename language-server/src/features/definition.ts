import type { Location, Position } from "vscode-languageserver";
import { definition as definitionAt, type Program } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";

/** Go to definition: the identifier that declares the name under the cursor (any file of the compilation). */
export function definition(program: Program, doc: ParsedDocument, position: Position, uriOf: (path: string) => string): Location | null {
  const found = definitionAt(program, doc.path, doc.lineMap.offset(position));
  return found ? { uri: uriOf(found.file), range: found.range } : null;
}
