import { format, parse } from "@mlops/compiler";
import { diffEdits } from "../util/text-diff.js";
/** Whole-document formatting with the compiler's formatter (`mlops fmt`), as minimal line edits. */
export function formatDocument(doc) {
    const result = format(doc.text, doc.path);
    return result.changed ? diffEdits(doc.text, result.text) : [];
}
/**
 * Range formatting: the declarations the range touches are replaced by their
 * formatted form (the formatter keeps declarations in order, so the i-th
 * declaration of the output is the i-th of the input).
 */
export function formatRange(doc, range) {
    const result = format(doc.text, doc.path);
    if (!result.changed)
        return [];
    const formatted = parse(result.text, doc.path).file.declarations;
    const original = doc.file.declarations;
    if (formatted.length !== original.length)
        return [];
    const start = doc.lineMap.offset(range.start);
    const end = doc.lineMap.offset(range.end);
    const touched = original.map((d, i) => [d, i]).filter(([d]) => d.span.start <= end && start <= d.span.end);
    if (touched.length === 0)
        return [];
    const first = touched[0][1];
    const last = touched[touched.length - 1][1];
    const before = region(doc.text, original[first], original[last]);
    const after = region(result.text, formatted[first], formatted[last]);
    const lineOffset = doc.lineMap.position(before.start).line;
    return diffEdits(before.text, after.text).map((edit) => ({
        newText: edit.newText,
        range: {
            start: { line: edit.range.start.line + lineOffset, character: edit.range.start.character },
            end: { line: edit.range.end.line + lineOffset, character: edit.range.end.character },
        },
    }));
}
function region(text, first, last) {
    const start = text.lastIndexOf("\n", first.span.start - 1) + 1;
    return { start, text: text.slice(start, last.span.end) };
}
