import { nodePathAt } from "../util/ast-walk.js";
/** Expanding selections: the chain of syntax nodes around each position, innermost first. */
export function selectionRanges(doc, positions) {
    return positions.map((position) => {
        const offset = doc.lineMap.offset(position);
        const path = nodePathAt(doc.file, offset);
        let parent;
        for (const node of path) {
            const span = node.kind === "SourceFile" ? { start: 0, end: doc.text.length } : node.span;
            const range = doc.lineMap.range(span);
            if (parent && sameRange(parent.range, range))
                continue;
            parent = parent ? { range, parent } : { range };
        }
        return parent ?? { range: { start: position, end: position } };
    });
}
function sameRange(a, b) {
    return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
