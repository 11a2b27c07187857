import { DocumentHighlightKind } from "vscode-languageserver";
import { referencesOf, symbolAt } from "@mlops/compiler";
/** Document highlight: the occurrences of the name under the cursor in this file; the declaration is the "write". */
export function documentHighlights(program, doc, position) {
    const ref = symbolAt(program, doc.path, doc.lineMap.offset(position));
    if (!ref)
        return [];
    const { symbol } = ref;
    return referencesOf(program, symbol, true)
        .filter((l) => l.file === doc.path)
        .map((l) => ({
        range: l.range,
        kind: l.file === symbol.file && l.span.start === symbol.span.start ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
    }));
}
