import { LineMap } from "@mlops/compiler";
/**
 * The edits that turn `before` into `after`: one edit per changed run of
 * lines (common lines kept, matched greedily around the changes), so the
 * editor keeps cursors and folds outside what really changed.
 */
export function diffEdits(before, after) {
    if (before === after)
        return [];
    const map = new LineMap(before);
    const a = splitLines(before);
    const b = splitLines(after);
    let prefix = 0;
    while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix])
        prefix++;
    let suffix = 0;
    while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix])
        suffix++;
    const edits = [];
    let i = prefix;
    let j = prefix;
    const aEnd = a.length - suffix;
    const bEnd = b.length - suffix;
    const startOf = (lines, index) => lines.slice(0, index).reduce((n, l) => n + l.length, 0);
    let aOffset = startOf(a, i);
    while (i < aEnd || j < bEnd) {
        // a run of lines that differ: stop at the next line both sides share in step
        const runStartA = i;
        const runStartB = j;
        const runOffset = aOffset;
        while (i < aEnd || j < bEnd) {
            if (i < aEnd && j < bEnd && a[i] === b[j])
                break;
            const matchInB = i < aEnd ? b.indexOf(a[i], j) : -1;
            const matchInA = j < bEnd ? a.indexOf(b[j], i) : -1;
            if (matchInB >= 0 && matchInB < bEnd && (matchInA < 0 || matchInA >= aEnd || matchInB - j <= matchInA - i)) {
                j = matchInB;
            }
            else if (matchInA >= 0 && matchInA < aEnd) {
                for (; i < matchInA; i++)
                    aOffset += a[i].length;
            }
            else {
                if (i < aEnd)
                    aOffset += a[i++].length;
                if (j < bEnd)
                    j++;
            }
        }
        const newText = b.slice(runStartB, j).join("");
        if (runStartA !== i || newText !== "") {
            edits.push({ range: { start: map.position(runOffset), end: map.position(aOffset) }, newText });
        }
        while (i < aEnd && j < bEnd && a[i] === b[j]) {
            aOffset += a[i].length;
            i++;
            j++;
        }
    }
    return edits;
}
/** Lines with their line breaks kept, so joining gives the text back. */
function splitLines(text) {
    return text.match(/[^\r\n]*(\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}
/** Applies LSP edits (non-overlapping) to a text. */
export function applyEdits(text, edits) {
    const map = new LineMap(text);
    const sorted = edits
        .map((e) => ({ start: map.offset(e.range.start), end: map.offset(e.range.end), newText: e.newText }))
        .sort((x, y) => y.start - x.start || y.end - x.end);
    let result = text;
    for (const e of sorted)
        result = result.slice(0, e.start) + e.newText + result.slice(e.end);
    return result;
}
