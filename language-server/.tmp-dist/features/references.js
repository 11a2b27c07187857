import { references as referencesAt } from "@mlops/compiler";
/** Find references: every place the name under the cursor is named, across the compilation. */
export function references(program, doc, position, includeDeclaration, uriOf) {
    return referencesAt(program, doc.path, doc.lineMap.offset(position), includeDeclaration).map((l) => ({ uri: uriOf(l.file), range: l.range }));
}
