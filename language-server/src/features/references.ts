import type { Location, Position } from "vscode-languageserver";
import { references as referencesAt, type Program } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";

/** Find references: every place the name under the cursor is named, across the compilation. */
export function references(
  program: Program,
  doc: ParsedDocument,
  position: Position,
  includeDeclaration: boolean,
  uriOf: (path: string) => string,
): Location[] {
  return referencesAt(program, doc.path, doc.lineMap.offset(position), includeDeclaration).map((l) => ({
    uri: uriOf(l.file),
    range: l.range,
  }));
}
