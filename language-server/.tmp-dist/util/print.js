/** A type written back as source (`enum("a", "b")?`, `vector<float, 32>`). */
export function typeText(type) {
    let text = type.name.name;
    if (type.typeArgs.length > 0) {
        text += `<${type.typeArgs.map((a) => (a.kind === "Type" ? typeText(a) : a.raw)).join(", ")}>`;
    }
    if (type.args)
        text += `(${type.args.map(exprText).join(", ")})`;
    return type.nullable ? `${text}?` : text;
}
/** A short one-line rendering of an expression for labels and hints. */
export function exprText(expr) {
    switch (expr.kind) {
        case "Number":
            return expr.raw + (expr.unit ?? "");
        case "String":
            return JSON.stringify(expr.value);
        case "Boolean":
            return String(expr.value);
        case "Name":
            return expr.name.name;
        case "Member":
            return `${exprText(expr.object)}.${expr.property.name}`;
        case "Call":
            return `${exprText(expr.callee)}(${expr.args.map((a) => (a.name ? `${a.name.name} = ` : "") + exprText(a.value)).join(", ")})`;
        case "Constructor":
            return `${expr.name.name} { … }`;
        case "List":
            return `[${expr.elements.map(exprText).join(", ")}]`;
        case "Record":
            return `{ ${expr.fields.map((f) => `${f.key.name} = ${exprText(f.value)}`).join(", ")} }`;
        case "Binary":
            return `${exprText(expr.left)} ${expr.operator} ${exprText(expr.right)}`;
        case "Unary":
            return expr.operator === "not" ? `not ${exprText(expr.operand)}` : `-${exprText(expr.operand)}`;
        case "Paren":
            return `(${exprText(expr.expr)})`;
        case "Error":
            return "…";
    }
}
