import { describeSymbol, hoverAt, symbolAt } from "@mlops/compiler";
import { formatConstValue } from "../util/values.js";
import { nodePathAt } from "../util/ast-walk.js";
import { typeText } from "../util/print.js";
/** The checker's hover at `offset`. */
export function checkerHover(program, doc, offset, env) {
    const fast = declarationHover(program, doc, offset);
    const found = fast ?? hoverAt(program, doc.path, offset);
    if (!found)
        return undefined;
    let markdown = found.contents;
    const symbol = fast ? fast.symbol : symbolAt(program, doc.path, offset)?.symbol;
    if (symbol?.kind === "param") {
        const param = program.model(env).params[symbol.name];
        if (param?.value !== undefined)
            markdown += `\n\n**${env ? `env \`${env}\`` : "no env selected"}**: \`params.${symbol.name}\` = \`${formatConstValue(param.value, param.typeText)}\``;
    }
    return { markdown, start: found.span.start, end: found.span.end };
}
const size = (span) => span.end - span.start;
const within = (span, offset) => span.start <= offset && offset <= span.end;
/**
 * The checker's hover computed from the one declaration under the cursor (what
 * `hoverAt` shows, without checking every other declaration of the file first:
 * after an edit of a large file only that declaration is re-checked).
 */
function declarationHover(program, doc, offset) {
    const declaration = program.symbols().all.find((s) => s.file.path === doc.path && within(s.node.span, offset));
    if (!declaration)
        return undefined;
    const result = program.result(declaration);
    let ref;
    for (const r of result.references)
        if (r.file === doc.path && within(r.span, offset) && (!ref || size(r.span) < size(ref.span)))
            ref = r;
    let annotation;
    for (const a of result.annotations)
        if (a.file === doc.path && within(a.span, offset) && (!annotation || size(a.span) < size(annotation.span)))
            annotation = a;
    if (ref && (!annotation || size(ref.span) <= size(annotation.span)))
        return { contents: describeSymbol(program, ref.symbol), span: ref.span, symbol: ref.symbol };
    if (annotation)
        return { contents: ["```mlops\n" + annotation.detail + "\n```", annotation.doc].filter(Boolean).join("\n\n"), span: annotation.span };
    return undefined;
}
/** Hover: the checker's text (type, doc, resolved value...) or, without it, what the syntax says about a declaration name. */
export function hover(doc, position, semantic) {
    const offset = doc.lineMap.offset(position);
    const found = semantic?.(doc, offset);
    if (found) {
        return { contents: { kind: "markdown", value: found.markdown }, range: doc.lineMap.range({ start: found.start, end: found.end }) };
    }
    return syntaxHover(doc, offset);
}
function syntaxHover(doc, offset) {
    const path = nodePathAt(doc.file, offset);
    const leaf = path[path.length - 1];
    if (leaf?.kind !== "Identifier")
        return null;
    const declaration = doc.file.declarations.find((d) => d.kind !== "Import" && d.name.name === leaf.name);
    if (!declaration || declaration.kind === "Import")
        return null;
    return { contents: { kind: "markdown", value: declarationMarkdown(declaration) }, range: doc.lineMap.range(leaf.span) };
}
export function declarationMarkdown(d) {
    const head = d.kind === "Param"
        ? `param ${d.name.name}${d.type ? `: ${typeText(d.type)}` : ""}`
        : `${d.isTemplate ? "template " : ""}${d.keyword} ${d.name.name}${d.from ? ` from ${d.from.name}` : ""}${d.extends ? ` extends ${d.extends.name}` : ""}`;
    return "```mlops\n" + head + "\n```" + (d.doc ? `\n\n${d.doc}` : "");
}
