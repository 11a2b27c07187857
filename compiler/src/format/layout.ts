import type {
  BlockDeclaration,
  ColumnDeclaration,
  Comment,
  Declaration,
  Expr,
  ListExpr,
  Member,
  ParamDeclaration,
  RecordExpr,
  SourceFile,
  Span,
} from "../syntax/ast.js";
import { ExprPrinter } from "./print-expr.js";

const INDENT = "  ";

/**
 * Lays out a parsed file in the canonical style and puts every comment back:
 * comments on their own line stay above the item that follows them, comments
 * after code on a line stay at the end of that line.
 *
 * Renderers return lines: the first without indentation (the caller puts it after a
 * prefix), the following ones already indented.
 */
export class Layout {
  private readonly printer: ExprPrinter;
  private readonly comments: Comment[];
  private next = 0;
  /** End offset of the last source item or comment written. */
  private last = 0;

  constructor(private readonly file: SourceFile) {
    this.printer = new ExprPrinter(file.text);
    this.comments = file.comments;
  }

  print(): string {
    const out: string[] = [];
    const declarations = this.file.declarations;
    let fresh = true;
    for (let i = 0; i < declarations.length; i++) {
      const declaration = declarations[i]!;
      this.item(out, 0, declaration.span, fresh, () => this.declaration(declaration, i));
      fresh = false;
    }
    this.leading(out, 0, this.file.text.length + 1, fresh);
    return out.length === 0 ? "" : `${out.join("\n")}\n`;
  }

  // ------------------------------------------------------------ comments and items

  private hasBlankLine(from: number, to: number): boolean {
    return /\n[ \t]*\r?\n/.test(this.file.text.slice(from, to).replace(/\r\n?/g, "\n"));
  }

  /** Writes the comments that start before `before`, each on its own line. */
  private leading(out: string[], indent: number, before: number, fresh: boolean): boolean {
    while (this.next < this.comments.length && this.comments[this.next]!.span.start < before) {
      const comment = this.comments[this.next++]!;
      if (!fresh && this.hasBlankLine(this.last, comment.span.start)) out.push("");
      out.push(INDENT.repeat(indent) + comment.text.trimEnd().replace(/\r\n?/g, "\n"));
      this.last = comment.span.end;
      fresh = false;
    }
    return fresh;
  }

  /** The comments that follow `end` on the same source line, as text to append. */
  private trailing(end: number): string {
    let text = "";
    while (this.next < this.comments.length) {
      const comment = this.comments[this.next]!;
      if (comment.span.start < end || !/^[ \t,]*$/.test(this.file.text.slice(end, comment.span.start))) break;
      text += ` ${comment.text.trimEnd().replace(/\r\n?/g, "\n")}`;
      end = comment.span.end;
      this.last = end;
      this.next++;
    }
    return text;
  }

  /** Writes one line-level item (declaration, member, column, record field...) with its comments. */
  private item(out: string[], indent: number, span: Span, fresh: boolean, render: () => string[], suffix = ""): void {
    fresh = this.leading(out, indent, span.start, fresh);
    if (!fresh && this.hasBlankLine(this.last, span.start)) out.push("");
    const lines = render();
    this.last = Math.max(this.last, span.end);
    lines[lines.length - 1] += suffix + this.trailing(span.end);
    out.push(INDENT.repeat(indent) + lines[0], ...lines.slice(1));
  }

  private hasCommentIn(span: Span): boolean {
    const comment = this.comments[this.next];
    return comment !== undefined && comment.span.start < span.end && comment.span.start >= span.start;
  }

  /** One-line print of `expr`; an expression with comments inside is kept exactly as written. */
  private inline(expr: Expr): string {
    if (!this.hasCommentIn(expr.span)) return this.printer.print(expr);
    while (this.hasCommentIn(expr.span)) this.next++;
    this.last = expr.span.end;
    return this.file.text.slice(expr.span.start, expr.span.end).replace(/\r\n?/g, "\n");
  }

  /**
   * Written over several lines when the source did (a line break after the opening
   * bracket) or when a comment sits between the children rather than inside one.
   */
  private isMultiline(span: Span, children: readonly Span[]): boolean {
    const head = this.file.text.slice(span.start, children[0] ? children[0].start : span.end);
    if (/[\r\n]/.test(head)) return true;
    for (let i = this.next; i < this.comments.length && this.comments[i]!.span.start < span.end; i++) {
      const start = this.comments[i]!.span.start;
      if (start >= span.start && !children.some((child) => start >= child.start && start < child.end)) return true;
    }
    return false;
  }

  // ------------------------------------------------------------ declarations

  private declaration(declaration: Declaration, index: number): string[] {
    switch (declaration.kind) {
      case "Import":
        return [
          `import ${declaration.target.kind === "String" ? this.inline(declaration.target) : declaration.target.segments.map((s) => s.name).join(".")}`,
        ];
      case "Param":
        return [this.param(declaration, this.paramColumns(index))];
      case "Block":
        return this.block(declaration);
    }
  }

  /** Consecutive params (no blank line or comment between) align their types and `=`. */
  private paramColumns(index: number): [number, number] {
    const run = [index];
    const declarations = this.file.declarations;
    const joined = (a: number, b: number): boolean => {
      const x = declarations[a];
      const y = declarations[b];
      if (x?.kind !== "Param" || y?.kind !== "Param") return false;
      const between = this.file.text.slice(x.span.end, y.span.start);
      return !this.hasBlankLine(x.span.end, y.span.start) && !/\/[/*]/.test(between);
    };
    for (let i = index; joined(i - 1, i); i--) run.push(i - 1);
    for (let i = index; joined(i, i + 1); i++) run.push(i + 1);
    const params = run.map((i) => declarations[i] as ParamDeclaration);
    if (params.some((p) => !p.type || !p.value)) return [0, 0];
    return [Math.max(...params.map((p) => p.name.name.length)), Math.max(...params.map((p) => this.printer.type(p.type!).length))];
  }

  private param(param: ParamDeclaration, [nameWidth, typeWidth]: [number, number]): string {
    let text = `param ${param.name.name}`;
    if (param.type) text = `${(`${text}:`).padEnd(nameWidth + 7)} ${this.printer.type(param.type).padEnd(typeWidth)}`;
    if (param.value) text = `${text} = ${this.inline(param.value)}`;
    return text;
  }

  private block(block: BlockDeclaration): string[] {
    let header = `${block.isTemplate ? "template " : ""}${block.keyword} ${block.name.name}`;
    if (block.from) header += ` from ${block.from.name}`;
    if (block.extends) header += ` extends ${block.extends.name}`;
    return this.braced(
      `${header} {`,
      block.bodySpan,
      0,
      block.members,
      (member) => member.span,
      (member) => this.member(member, block.members),
    );
  }

  /**
   * `opener`, then the items one per line one level deeper, then `}`. Comments between
   * the items, and those before the closing brace, stay where they were.
   */
  private braced<T>(
    opener: string,
    body: Span,
    indent: number,
    items: readonly T[],
    spanOf: (item: T) => Span,
    render: (item: T) => string[],
  ): string[] {
    if (items.length === 0 && !this.hasCommentIn(body)) return [`${opener.slice(0, -1)}{}`];
    const out: string[] = [opener + this.trailing(body.start + 1)];
    items.forEach((item, i) => this.item(out, indent + 1, spanOf(item), i === 0, () => render(item)));
    this.leading(out, indent + 1, body.end - 1, items.length === 0);
    out.push(`${INDENT.repeat(indent)}}`);
    this.last = body.end;
    return out;
  }

  // ------------------------------------------------------------ members

  private member(member: Member, siblings: readonly Member[]): string[] {
    const indent = 1;
    switch (member.kind) {
      case "Field": {
        const width = Math.max(...siblings.map((m) => (m.kind === "Field" ? m.name.name.length : 0)));
        return this.prefixed(`${member.name.name.padEnd(width)} = `, member.value, indent);
      }
      case "Require":
        return [`require ${this.inline(member.condition)}`];
      case "Drift": {
        const width = Math.max(...siblings.map((m) => (m.kind === "Drift" ? m.target.name.length : 0)));
        return [`${`drift ${member.target.name}:`.padEnd(width + 7)} ${this.inline(member.rule)}`];
      }
      case "When": {
        const width = Math.max(...siblings.map((m) => (m.kind === "When" ? this.printer.print(m.condition).length : 0)));
        const condition = this.inline(member.condition);
        return [`${`when ${condition}`.padEnd(width + 5)} => ${this.inline(member.action)}`];
      }
      case "Schema":
        return this.schema(member.columns, member.bodySpan, indent);
      case "Expect":
        return this.braced(
          "expect {",
          member.bodySpan,
          indent,
          member.checks,
          (check) => check.span,
          (check) => [this.inline(check)],
        );
    }
  }

  private schema(columns: readonly ColumnDeclaration[], body: Span, indent: number): string[] {
    const width = Math.max(0, ...columns.map((c) => c.name.name.length));
    return this.braced(
      "schema {",
      body,
      indent,
      columns,
      (column) => column.span,
      (column) => {
        const modifiers = column.modifiers.map((m) =>
          m.args ? `${m.name.name}(${m.args.map((a) => this.argument(a.name?.name, a.value)).join(", ")})` : m.name.name,
        );
        const type = this.printer.type(column.type);
        return [[`${(`${column.name.name}:`).padEnd(width + 1)} ${type}`, ...modifiers].join(" ")];
      },
    );
  }

  private argument(name: string | undefined, value: Expr): string {
    return name ? `${name} = ${this.inline(value)}` : this.inline(value);
  }

  // ------------------------------------------------------------ values

  /** `prefix` followed by the value, which may span several lines. */
  private prefixed(prefix: string, value: Expr, indent: number): string[] {
    const lines = this.value(value, indent);
    lines[0] = prefix + lines[0];
    return lines;
  }

  private value(expr: Expr, indent: number): string[] {
    if (
      expr.kind === "Record" &&
      this.isMultiline(
        expr.span,
        expr.fields.map((f) => f.span),
      )
    )
      return this.record("{", expr, indent);
    if (
      expr.kind === "Constructor" &&
      this.isMultiline(
        expr.body.span,
        expr.body.fields.map((f) => f.span),
      )
    ) {
      return this.record(`${expr.name.name} {`, expr.body, indent);
    }
    if (
      expr.kind === "List" &&
      this.isMultiline(
        expr.span,
        expr.elements.map((e) => e.span),
      )
    )
      return this.list(expr, indent);
    return [this.inline(expr)];
  }

  private record(opener: string, record: RecordExpr, indent: number): string[] {
    const width = Math.max(0, ...record.fields.map((f) => this.printer.key(f).length));
    return this.braced(
      opener,
      record.span,
      indent,
      record.fields,
      (field) => field.span,
      (field) => this.prefixed(`${this.printer.key(field).padEnd(width)} = `, field.value, indent + 1),
    );
  }

  private list(list: ListExpr, indent: number): string[] {
    const out: string[] = [`[${this.trailing(list.span.start + 1)}`];
    list.elements.forEach((element, i) => {
      const suffix = i < list.elements.length - 1 ? "," : "";
      this.item(out, indent + 1, element.span, i === 0, () => this.value(element, indent + 1), suffix);
    });
    this.leading(out, indent + 1, list.span.end - 1, false);
    out.push(`${INDENT.repeat(indent)}]`);
    this.last = list.span.end;
    return out;
  }
}
