import { definition as definitionAt } from "@mlops/compiler";
/** Go to definition: the identifier that declares the name under the cursor (any file of the compilation). */
export function definition(program, doc, position, uriOf) {
    const found = definitionAt(program, doc.path, doc.lineMap.offset(position));
    return found ? { uri: uriOf(found.file), range: found.range } : null;
}
