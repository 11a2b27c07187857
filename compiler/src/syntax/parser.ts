import type {
  Argument,
  BinaryOperator,
  BlockDeclaration,
  BlockKeyword,
  ColumnDeclaration,
  Comment,
  Declaration,
  DriftMember,
  ErrorExpr,
  ExpectMember,
  Expr,
  FieldMember,
  Identifier,
  ImportDeclaration,
  Member,
  Modifier,
  ModulePath,
  NumberLiteral,
  ParamDeclaration,
  RecordExpr,
  RecordField,
  SchemaMember,
  Span,
  StringLiteral,
  StringPart,
  TypeNode,
} from "./ast.js";
import { MAX_DIAGNOSTICS_PER_FILE } from "../diagnostics/limits.js";
import { lex } from "./lexer.js";
import type { LexSink, Token } from "./token.js";

export const BLOCK_KEYWORDS: ReadonlySet<string> = new Set<BlockKeyword>([
  "pipeline",
  "env",
  "source",
  "features",
  "model",
  "gate",
  "deploy",
  "monitor",
  "notifier",
]);
const DECLARATION_LIST =
  "`pipeline`, `source`, `features`, `model`, `gate`, `deploy`, `monitor`, `notifier`, `env`, `param`, `import` or `template`";
const COMPARISON = new Set(["==", "!=", "<", "<=", ">", ">="]);
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
/** Brackets, unary operators and interpolations nested deeper than this are reported, not recursed into. */
export const MAX_NESTING = 100;
/** Bound on the height of an expression tree (long operator chains count too), so walkers never overflow the stack. */
const MAX_TREE_HEIGHT = 1000;

export interface SyntaxError {
  span: Span;
  message: string;
  hints?: string[];
}

/** Recursive-descent parser with panic-mode recovery: one error per mistake, re-sync at the next line / member / declaration. */
export class Parser {
  readonly errors: SyntaxError[] = [];
  readonly comments: Comment[] = [];
  private tokens: Token[];
  private pos = 0;
  private ignoreNewlines = false;
  private nesting = 0;
  private height = 0;
  private recovering = false;
  private lastErrorPos = -1;
  private lastErrorTokens: Token[] | undefined;
  private readonly sink: LexSink;
  private readonly indentCache = new Map<number, number>();
  /** Errors kept per source (scanner, parser): each stream is in text order, so keeping the first
   * MAX + 1 of each keeps the first MAX + 1 of the file and still shows there were more. */
  private lexErrors = 0;
  private parseErrors = 0;

  /** Reads `text`, or only `text[range.start, range.end)` (offsets stay those of `text`). */
  constructor(
    private readonly text: string,
    range: Span = { start: 0, end: text.length },
  ) {
    this.sink = {
      comments: this.comments,
      error: (span, message) => {
        if (this.lexErrors++ <= MAX_DIAGNOSTICS_PER_FILE) this.errors.push({ span, message });
      },
    };
    this.tokens = lex(text, this.sink, range.start, range.end);
  }

  // ------------------------------------------------------------ token access

  private peek(): Token {
    if (!this.ignoreNewlines) return this.tokens[this.pos]!;
    while (this.tokens[this.pos]!.kind === "newline") this.pos++;
    const token = this.tokens[this.pos]!;
    // Inside brackets a line that starts a declaration ends the expression, as if the file ended.
    if (token.lineStart && this.looksLikeDeclarationStart(this.pos))
      return { ...token, kind: "eof", text: "", end: token.start, synthetic: true };
    return token;
  }

  /** The k-th token after the current one (newlines count unless they are being ignored). */
  private la(k: number): Token {
    let i = this.pos;
    if (this.ignoreNewlines) while (this.tokens[i]!.kind === "newline") i++;
    for (let n = 0; n < k && this.tokens[i]!.kind !== "eof"; n++) {
      i++;
      if (this.ignoreNewlines) while (this.tokens[i]!.kind === "newline") i++;
    }
    return this.tokens[i]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "eof") this.pos++;
    return token;
  }

  private previous(): Token | undefined {
    for (let i = this.pos - 1; i >= 0; i--) if (this.tokens[i]!.kind !== "newline") return this.tokens[i];
    return undefined;
  }

  private lastEnd(fallback: number): number {
    return this.previous()?.end ?? fallback;
  }

  private isPunct(text: string, token = this.peek()): boolean {
    return token.kind === "punct" && token.text === text;
  }

  private isWord(word: string, token = this.peek()): boolean {
    return token.kind === "ident" && token.text === word;
  }

  private atLineEnd(token = this.peek()): boolean {
    return token.kind === "newline" || token.kind === "eof";
  }

  private skipNewlines(): void {
    while (this.tokens[this.pos]!.kind === "newline") this.pos++;
  }

  // ------------------------------------------------------------ errors

  /** Reports unless already recovering from an error or nothing was consumed since the last one. */
  private error(token: Token, message: string, span: Span = this.pointAt(token), hints?: string[]): void {
    const samePlace = this.pos === this.lastErrorPos && this.tokens === this.lastErrorTokens;
    if (!this.recovering && !samePlace && token.kind !== "error" && this.parseErrors++ <= MAX_DIAGNOSTICS_PER_FILE)
      this.errors.push(hints ? { span, message, hints } : { span, message });
    this.recovering = true;
    this.lastErrorPos = this.pos;
    this.lastErrorTokens = this.tokens;
  }

  /** A token's range; a missing thing at the end of a line is pointed at right after the last token before it. */
  private pointAt(token: Token): Span {
    if (token.kind !== "newline" && token.kind !== "eof") return { start: token.start, end: token.end };
    const previous = this.previous();
    const at =
      previous && previous.end <= token.start && !/[\r\n]/.test(this.text.slice(previous.end, token.start)) ? previous.end : token.start;
    return { start: at, end: at };
  }

  private describe(token: Token): string {
    switch (token.kind) {
      case "newline":
        return "end of line";
      case "eof":
        return token.synthetic ? "the next declaration" : "end of file";
      case "string":
        return "a string";
      case "error":
        return `\`${token.text}\``;
      default:
        return `\`${token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text}\``;
    }
  }

  private expectPunct(text: string, what: string): Token | undefined {
    const token = this.peek();
    if (this.isPunct(text, token)) return this.next();
    this.error(token, `expected \`${text}\` ${what}, found ${this.describe(token)}`);
    return undefined;
  }

  private identifier(token: Token): Identifier {
    return { kind: "Identifier", name: token.text, span: { start: token.start, end: token.end } };
  }

  private expectIdent(what: string): Identifier | undefined {
    const token = this.peek();
    if (token.kind === "ident") return this.identifier(this.next());
    this.error(token, `expected ${what}, found ${this.describe(token)}`);
    return undefined;
  }

  /** Skips to the end of the current item: a line break, `,` or `}` at bracket depth 0, or a line that starts a declaration. */
  private syncItem(): void {
    let depth = 0;
    for (;;) {
      const token = this.tokens[this.pos]!;
      if (token.kind === "eof") break;
      if (token.lineStart && this.looksLikeDeclarationStart(this.pos)) break;
      if (depth === 0 && (token.kind === "newline" || this.isPunct(",", token) || this.isPunct("}", token))) break;
      if (token.kind === "punct") {
        if (CLOSERS[token.text]) depth++;
        else if ((token.text === ")" || token.text === "]" || token.text === "}") && depth > 0) depth--;
      }
      this.pos++;
    }
  }

  /** Skips past the `closer` matching an already consumed opener; stops early at a line that starts a new member or declaration. */
  private syncToCloser(closer: string): boolean {
    let depth = 0;
    for (;;) {
      const token = this.tokens[this.pos]!;
      if (token.kind === "eof") return false;
      if (token.lineStart && depth === 0 && this.looksLikeMemberStart(this.pos) && !this.isPunct("=", this.tokens[this.pos + 1]!))
        return false;
      if (token.kind === "punct") {
        if (depth === 0 && token.text === closer) {
          this.pos++;
          return true;
        }
        if (depth === 0 && token.text === "}") return false;
        if (CLOSERS[token.text]) depth++;
        else if ((token.text === ")" || token.text === "]" || token.text === "}") && depth > 0) depth--;
      }
      this.pos++;
    }
  }

  private looksLikeDeclarationStart(i: number): boolean {
    const t = this.tokens[i]!;
    if (t.kind !== "ident") return false;
    const a = this.tokens[i + 1]!;
    const b = this.tokens[Math.min(i + 2, this.tokens.length - 1)]!;
    if (t.text === "import") return a.kind === "string" || (a.kind === "ident" && this.isPunct(".", b));
    if (t.text === "param") return a.kind === "ident" && this.isPunct(":", b);
    if (t.text === "template") return a.kind === "ident" && BLOCK_KEYWORDS.has(a.text) && b.kind === "ident";
    return (
      BLOCK_KEYWORDS.has(t.text) && a.kind === "ident" && (this.isPunct("{", b) || this.isWord("from", b) || this.isWord("extends", b))
    );
  }

  /**
   * Inside brackets that span lines: a line indented no deeper than the line of the
   * opening bracket, that reads like a member, means the bracket was left unclosed.
   */
  private startsNewMember(token: Token, open: Token): boolean {
    return token.lineStart && this.indentation(token.start) <= this.indentation(open.start) && this.looksLikeMemberStart(this.pos);
  }

  private indentation(offset: number): number {
    const known = this.indentCache.get(offset);
    if (known !== undefined) return known;
    const indent = this.measureIndentation(offset);
    this.indentCache.set(offset, indent);
    return indent;
  }

  private measureIndentation(offset: number): number {
    let lineStart = offset;
    while (lineStart > 0 && !isLineBreakCode(this.text.charCodeAt(lineStart - 1))) lineStart--;
    let i = lineStart;
    while (i < offset && (this.text.charCodeAt(i) === 32 || this.text.charCodeAt(i) === 9)) i++;
    return i - lineStart;
  }

  private looksLikeMemberStart(i: number): boolean {
    const t = this.tokens[i]!;
    if (this.isPunct("}", t)) return true;
    if (t.kind !== "ident") return false;
    const a = this.tokens[i + 1]!;
    if (this.isPunct("=", a) || this.isPunct(":", a)) return true;
    if (["require", "drift", "when", "schema", "expect"].includes(t.text)) return true;
    return this.looksLikeDeclarationStart(i);
  }

  // ------------------------------------------------------------ file and declarations

  /** Where the parser is: the offset of the next token. */
  get offset(): number {
    return this.tokens[this.pos]!.start;
  }

  /** The declarations, up to the first one that starts at or after `stopAt` (the tokens after it are only looked at). */
  parseFile(stopAt = Number.POSITIVE_INFINITY): Declaration[] {
    const declarations: Declaration[] = [];
    for (;;) {
      this.skipNewlines();
      const token = this.peek();
      if (token.kind === "eof" || token.start >= stopAt) break;
      const before = this.pos;
      const declaration = this.parseDeclaration();
      if (declaration) declarations.push(declaration);
      const after = this.peek();
      if (declaration && !this.atLineEnd(after)) {
        this.error(after, `expected a new line after the declaration, found ${this.describe(after)}`);
      }
      if (!declaration || !this.atLineEnd(this.peek())) this.syncDeclaration(before);
      this.recovering = false;
    }
    return declarations;
  }

  private syncDeclaration(before: number): void {
    if (this.pos === before) this.pos++;
    while (this.tokens[this.pos]!.kind !== "eof") {
      const token = this.tokens[this.pos]!;
      if (token.lineStart && this.isTopLevelStart(this.pos)) return;
      this.pos++;
    }
  }

  private isTopLevelStart(i: number): boolean {
    const t = this.tokens[i]!;
    return (
      t.kind === "ident" &&
      (BLOCK_KEYWORDS.has(t.text) || ["import", "param", "template"].includes(t.text)) &&
      this.tokens[i + 1]!.kind !== "newline"
    );
  }

  private parseDeclaration(): Declaration | undefined {
    const token = this.peek();
    const doc = docText(token.doc);
    if (token.kind === "ident") {
      if (token.text === "import") return this.parseImport(doc);
      if (token.text === "param") return this.parseParam(doc);
      if (token.text === "template") {
        this.next();
        const keyword = this.peek();
        if (keyword.kind === "ident" && BLOCK_KEYWORDS.has(keyword.text)) return this.parseBlock(token, doc);
        this.error(
          keyword,
          `expected a block kind after \`template\` (\`deploy\`, \`model\`, \`monitor\`...), found ${this.describe(keyword)}`,
        );
        return undefined;
      }
      if (BLOCK_KEYWORDS.has(token.text)) return this.parseBlock(undefined, doc);
    }
    const guess = token.kind === "ident" ? closestKeyword(token.text) : undefined;
    this.error(
      token,
      `expected a declaration (${DECLARATION_LIST}), found ${this.describe(token)}`,
      undefined,
      guess ? [`did you mean \`${guess}\`?`] : undefined,
    );
    return undefined;
  }

  private parseImport(doc: string | undefined): ImportDeclaration | undefined {
    const keyword = this.next();
    const token = this.peek();
    let target: StringLiteral | ModulePath | undefined;
    if (token.kind === "string") target = this.parseString(this.next());
    else if (token.kind === "ident") {
      const segments = [this.identifier(this.next())];
      while (this.isPunct(".")) {
        this.next();
        const segment = this.expectIdent("a module name after `.`");
        if (!segment) break;
        segments.push(segment);
      }
      target = { kind: "ModulePath", segments, span: { start: segments[0]!.span.start, end: segments[segments.length - 1]!.span.end } };
    } else {
      this.error(token, `expected a file path string or a module like \`std.gates\` after \`import\`, found ${this.describe(token)}`);
      return undefined;
    }
    const declaration: ImportDeclaration = { kind: "Import", target, span: { start: keyword.start, end: target.span.end } };
    return withDoc(declaration, doc);
  }

  private parseParam(doc: string | undefined): ParamDeclaration | undefined {
    const keyword = this.next();
    const name = this.expectIdent("a parameter name after `param`");
    if (!name) return undefined;
    const param: ParamDeclaration = { kind: "Param", name, span: { start: keyword.start, end: name.span.end } };
    if (this.isPunct(":")) {
      this.next();
      param.type = this.parseType();
    }
    if (this.isPunct("=")) {
      this.next();
      param.value = this.parseExpr();
    } else if (!param.type) {
      this.error(
        this.peek(),
        `expected \`:\` and a type or \`=\` and a value after \`param ${name.name}\`, found ${this.describe(this.peek())}`,
      );
    }
    param.span.end = this.lastEnd(name.span.end);
    return withDoc(param, doc);
  }

  private parseBlock(template: Token | undefined, doc: string | undefined): BlockDeclaration | undefined {
    const keyword = this.next();
    const name = this.expectIdent(`a name after \`${keyword.text}\``);
    if (!name) return undefined;
    let from: Identifier | undefined;
    let base: Identifier | undefined;
    if (this.isWord("from")) {
      this.next();
      from = this.expectIdent("a source name after `from`");
    }
    if (this.isWord("extends")) {
      this.next();
      base = this.expectIdent("a template name after `extends`");
    }
    const open = this.expectPunct("{", `to open the body of \`${keyword.text} ${name.name}\``);
    if (!open) return undefined;
    const label = `\`${keyword.text} ${name.name}\``;
    const members = this.parseBraceList(open, label, "member", () => this.parseMember());
    const block: BlockDeclaration = {
      kind: "Block",
      keyword: keyword.text as BlockKeyword,
      keywordSpan: { start: keyword.start, end: keyword.end },
      isTemplate: template !== undefined,
      name,
      members,
      bodySpan: { start: open.start, end: this.lastEnd(open.end) },
      span: { start: (template ?? keyword).start, end: this.lastEnd(open.end) },
    };
    if (from) block.from = from;
    if (base) block.extends = base;
    return withDoc(block, doc);
  }

  /**
   * Items separated by line breaks or commas up to the `}` matching `open` (consumed).
   * Each item is re-synced on its own, so one bad line costs one diagnostic.
   */
  private parseBraceList<T>(open: Token, label: string, itemWord: string, parseItem: () => T | undefined): T[] {
    const items: T[] = [];
    const saved = this.ignoreNewlines;
    this.ignoreNewlines = false;
    for (;;) {
      while (this.peek().kind === "newline" || this.isPunct(",")) this.next();
      const token = this.peek();
      if (this.isPunct("}", token)) {
        this.next();
        break;
      }
      if (token.kind === "eof" || (token.lineStart && this.looksLikeDeclarationStart(this.pos))) {
        this.error(token, `\`{\` of ${label} is never closed: expected \`}\``, { start: open.start, end: open.end });
        break;
      }
      const before = this.pos;
      const item = parseItem();
      if (item !== undefined) items.push(item);
      const after = this.peek();
      const ended = after.kind === "newline" || after.kind === "eof" || this.isPunct(",", after) || this.isPunct("}", after);
      if (!ended && !(after.lineStart && this.looksLikeDeclarationStart(this.pos))) {
        this.error(after, `expected a new line or \`,\` after the ${itemWord}, found ${this.describe(after)}`);
        if (this.pos === before) this.pos++;
        this.syncItem();
      }
      this.recovering = false;
    }
    this.ignoreNewlines = saved;
    return items;
  }

  // ------------------------------------------------------------ members

  private parseMember(): Member | undefined {
    const token = this.peek();
    if (token.kind !== "ident") {
      this.error(token, `expected a field (\`name = value\`) or a statement, found ${this.describe(token)}`);
      return undefined;
    }
    const following = this.la(1);
    const isStatement = !this.isPunct("=", following);
    if (isStatement) {
      if (token.text === "schema" && this.isPunct("{", following)) return this.parseSchema();
      if (token.text === "expect" && this.isPunct("{", following)) return this.parseExpect();
      if (token.text === "require") return this.parseRequire();
      if (token.text === "drift") return this.parseDrift();
      if (token.text === "when") return this.parseWhen();
    }
    return this.parseField();
  }

  private parseField(): FieldMember | undefined {
    const nameToken = this.next();
    const name = this.identifier(nameToken);
    if (!this.isPunct("=")) {
      const found = this.peek();
      this.error(found, `expected \`=\` after the field name \`${name.name}\`, found ${this.describe(found)}`);
      return undefined;
    }
    this.next();
    const value = this.parseExpr();
    const field: FieldMember = { kind: "Field", name, value, span: { start: name.span.start, end: spanEnd(value, name.span.end) } };
    return withDoc(field, docText(nameToken.doc));
  }

  private parseSchema(): SchemaMember {
    const keyword = this.next();
    const open = this.next();
    const columns = this.parseBraceList(open, "`schema`", "column", () => this.parseColumn());
    const end = this.lastEnd(open.end);
    return { kind: "Schema", columns, bodySpan: { start: open.start, end }, span: { start: keyword.start, end } };
  }

  private parseColumn(): ColumnDeclaration | undefined {
    const nameToken = this.peek();
    const name = this.expectIdent("a column name");
    if (!name) return undefined;
    if (!this.expectPunct(":", `after the column name \`${name.name}\``)) return undefined;
    const type = this.parseType();
    if (!type) return undefined;
    const modifiers: Modifier[] = [];
    while (this.peek().kind === "ident") {
      const modifierName = this.identifier(this.next());
      const modifier: Modifier = { kind: "Modifier", name: modifierName, span: { ...modifierName.span } };
      if (this.isPunct("(")) {
        modifier.args = this.parseArguments(this.next());
        modifier.span.end = this.lastEnd(modifier.span.end);
      }
      modifiers.push(modifier);
    }
    const column: ColumnDeclaration = {
      kind: "Column",
      name,
      type,
      modifiers,
      span: { start: name.span.start, end: this.lastEnd(name.span.end) },
    };
    return withDoc(column, docText(nameToken.doc));
  }

  private parseExpect(): ExpectMember {
    const keyword = this.next();
    const open = this.next();
    const checks = this.parseBraceList(open, "`expect`", "check", () => this.parseExpr());
    const end = this.lastEnd(open.end);
    return { kind: "Expect", checks, bodySpan: { start: open.start, end }, span: { start: keyword.start, end } };
  }

  private parseRequire(): Member {
    const keyword = this.next();
    const condition = this.parseExpr();
    return { kind: "Require", condition, span: { start: keyword.start, end: spanEnd(condition, keyword.end) } };
  }

  private parseDrift(): DriftMember | undefined {
    const keyword = this.next();
    const token = this.peek();
    let target: Identifier;
    if (token.kind === "ident" || this.isPunct("*", token)) target = this.identifier(this.next());
    else {
      this.error(token, `expected a column, feature, \`prediction\` or \`*\` after \`drift\`, found ${this.describe(token)}`);
      return undefined;
    }
    if (!this.expectPunct(":", `after the drift target \`${target.name}\``)) return undefined;
    const rule = this.parseExpr();
    return { kind: "Drift", target, rule, span: { start: keyword.start, end: spanEnd(rule, target.span.end) } };
  }

  private parseWhen(): Member | undefined {
    const keyword = this.next();
    const condition = this.parseExpr();
    if (!this.expectPunct("=>", "between the condition and the action of `when`")) return undefined;
    const action = this.parseExpr();
    return { kind: "When", condition, action, span: { start: keyword.start, end: spanEnd(action, keyword.end) } };
  }

  // ------------------------------------------------------------ types

  private parseType(): TypeNode | undefined {
    const name = this.expectIdent("a type");
    if (!name) return undefined;
    const type: TypeNode = { kind: "Type", name, typeArgs: [], nullable: false, span: { ...name.span } };
    const saved = this.ignoreNewlines;
    if (this.isPunct("<")) {
      this.next();
      this.ignoreNewlines = false;
      while (!this.isPunct(">") && !this.atLineEnd()) {
        const token = this.peek();
        if (token.kind === "number") type.typeArgs.push(this.parseNumber(this.next()));
        else if (token.kind === "ident") {
          const arg = this.withNesting(() => this.parseType());
          if (!arg) break;
          type.typeArgs.push(arg);
        } else {
          this.error(token, `expected a type argument, found ${this.describe(token)}`);
          break;
        }
        if (!this.isPunct(",")) break;
        this.next();
      }
      if (this.isPunct(">")) this.next();
      else {
        this.error(this.peek(), `expected \`,\` or \`>\` after a type argument of \`${name.name}<\`, found ${this.describe(this.peek())}`);
      }
      this.ignoreNewlines = saved;
    }
    if (this.isPunct("(")) type.args = this.parseArguments(this.next()).map((arg) => arg.value);
    if (this.isPunct("?")) {
      this.next();
      type.nullable = true;
    }
    type.span.end = this.lastEnd(name.span.end);
    return type;
  }

  // ------------------------------------------------------------ expressions

  parseExpr(): Expr {
    return this.parseOr();
  }

  private binaryLoop(operators: (token: Token) => boolean, operand: () => Expr): Expr {
    let left = operand();
    const savedHeight = this.height;
    while (operators(this.peek())) {
      if (++this.height > MAX_TREE_HEIGHT) {
        this.error(this.peek(), `expression too long: more than ${MAX_TREE_HEIGHT} operators in a row`);
        break;
      }
      const operatorToken = this.next();
      const right = this.parseOperand(operatorToken, operand);
      left = {
        kind: "Binary",
        operator: operatorToken.text as BinaryOperator,
        operatorSpan: { start: operatorToken.start, end: operatorToken.end },
        left,
        right,
        span: { start: left.span.start, end: right.span.end },
      };
    }
    this.height = savedHeight;
    return left;
  }

  private parseOperand(operatorToken: Token, operand: () => Expr): Expr {
    const token = this.peek();
    if (!this.canStartExpression(token)) return this.expressionError(token, `after \`${operatorToken.text}\``);
    return operand();
  }

  private parseOr(): Expr {
    return this.binaryLoop(
      (t) => this.isWord("or", t),
      () => this.parseAnd(),
    );
  }

  private parseAnd(): Expr {
    return this.binaryLoop(
      (t) => this.isWord("and", t),
      () => this.parseNot(),
    );
  }

  private parseNot(): Expr {
    const token = this.peek();
    if (!this.isWord("not", token)) return this.parseComparison();
    this.next();
    const operand = this.withNesting(() => this.parseOperand(token, () => this.parseNot()));
    if (!operand) return this.errorExpr(token.end);
    return { kind: "Unary", operator: "not", operand, span: { start: token.start, end: operand.span.end } };
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive();
    const token = this.peek();
    if (!(token.kind === "punct" && COMPARISON.has(token.text))) return left;
    this.next();
    const right = this.parseOperand(token, () => this.parseAdditive());
    const expr: Expr = {
      kind: "Binary",
      operator: token.text as BinaryOperator,
      operatorSpan: { start: token.start, end: token.end },
      left,
      right,
      span: { start: left.span.start, end: right.span.end },
    };
    const chained = this.peek();
    if (chained.kind === "punct" && COMPARISON.has(chained.text)) {
      this.error(chained, `comparisons cannot be chained: add parentheses or split with \`and\` (found a second \`${chained.text}\`)`);
    }
    return expr;
  }

  private parseAdditive(): Expr {
    return this.binaryLoop(
      (t) => this.isPunct("+", t) || this.isPunct("-", t),
      () => this.parseMultiplicative(),
    );
  }

  private parseMultiplicative(): Expr {
    return this.binaryLoop(
      (t) => this.isPunct("*", t) || this.isPunct("/", t),
      () => this.parseUnary(),
    );
  }

  private parseUnary(): Expr {
    const token = this.peek();
    if (!this.isPunct("-", token)) return this.parsePostfix();
    this.next();
    const operand = this.withNesting(() => this.parseOperand(token, () => this.parseUnary()));
    if (!operand) return this.errorExpr(token.end);
    return { kind: "Unary", operator: "-", operand, span: { start: token.start, end: operand.span.end } };
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    const savedHeight = this.height;
    for (;;) {
      const token = this.peek();
      if (!this.isPunct(".", token) && !this.isPunct("(", token)) break;
      if (++this.height > MAX_TREE_HEIGHT) {
        this.error(token, `expression too long: more than ${MAX_TREE_HEIGHT} calls or member accesses in a row`);
        break;
      }
      this.next();
      if (token.text === ".") {
        const property = this.expectIdent("a name after `.`");
        if (!property) break;
        expr = { kind: "Member", object: expr, property, span: { start: expr.span.start, end: property.span.end } };
      } else {
        const args = this.withNesting(() => this.parseArguments(token)) ?? [];
        expr = { kind: "Call", callee: expr, args, span: { start: expr.span.start, end: this.lastEnd(token.end) } };
      }
    }
    this.height = savedHeight;
    return expr;
  }

  private canStartExpression(token: Token): boolean {
    if (token.lineStart && token === this.tokens[this.pos] && this.looksLikeDeclarationStart(this.pos)) return false;
    if (token.kind === "number" || token.kind === "string") return true;
    if (token.kind === "ident") return token.text !== "and" && token.text !== "or";
    return token.kind === "punct" && ["(", "[", "{", "-"].includes(token.text);
  }

  private parsePrimary(): Expr {
    const token = this.peek();
    if (token.lineStart && this.looksLikeDeclarationStart(this.pos)) return this.expressionError(token, "");
    if (token.kind === "number") return this.parseNumber(this.next());
    if (token.kind === "string") return this.parseString(this.next());
    if (token.kind === "ident" && token.text !== "and" && token.text !== "or" && token.text !== "not") {
      this.next();
      if (token.text === "true" || token.text === "false") {
        return { kind: "Boolean", value: token.text === "true", span: { start: token.start, end: token.end } };
      }
      const name = this.identifier(token);
      if (this.isPunct("{", this.tokens[this.pos]!)) {
        const body = this.withNesting(() => this.parseRecord(this.next()));
        if (body) return { kind: "Constructor", name, body, span: { start: token.start, end: body.span.end } };
      }
      return { kind: "Name", name, span: { ...name.span } };
    }
    if (this.isPunct("(", token)) {
      return this.withNesting(() => this.parseParen(this.next())) ?? this.errorExpr(token.start);
    }
    if (this.isPunct("[", token)) {
      return this.withNesting(() => this.parseList(this.next())) ?? this.errorExpr(token.start);
    }
    if (this.isPunct("{", token)) {
      return this.withNesting(() => this.parseRecord(this.next())) ?? this.errorExpr(token.start);
    }
    const previous = this.previous();
    const sameLine = previous !== undefined && !this.text.slice(previous.end, token.start).includes("\n");
    return this.expressionError(token, previous && sameLine ? `after ${this.describe(previous)}` : "");
  }

  private expressionError(token: Token, where: string): ErrorExpr {
    this.error(token, `expected an expression${where ? ` ${where}` : ""}, found ${this.describe(token)}`);
    return this.errorExpr(token.start);
  }

  private errorExpr(at: number): ErrorExpr {
    return { kind: "Error", span: { start: at, end: at } };
  }

  /** Runs `parse` one nesting level deeper; past the limit, reports once and returns undefined without consuming. */
  private withNesting<T>(parse: () => T): T | undefined {
    if (this.nesting >= MAX_NESTING || this.height >= MAX_TREE_HEIGHT) {
      this.error(this.peek(), `expression nested too deeply (more than ${MAX_NESTING} levels)`);
      return undefined;
    }
    this.nesting++;
    this.height++;
    try {
      return parse();
    } finally {
      this.nesting--;
      this.height--;
    }
  }

  private parseNumber(token: Token): NumberLiteral {
    const raw = token.raw ?? token.text;
    const literal: NumberLiteral = {
      kind: "Number",
      raw,
      value: Number(raw),
      isInteger: !/[.eE]/.test(raw),
      span: { start: token.start, end: token.end },
    };
    if (token.unit !== undefined) literal.unit = token.unit;
    return literal;
  }

  private parseString(token: Token): StringLiteral {
    const literal: StringLiteral = {
      kind: "String",
      value: token.value ?? "",
      terminated: token.terminated ?? false,
      span: { start: token.start, end: token.end },
    };
    const lexed = token.parts ?? [];
    if (lexed.some((part) => part.kind === "Interpolation")) {
      literal.parts = lexed.map((part): StringPart => {
        if (part.kind === "Text") return part;
        return { kind: "Interpolation", expr: this.parseInterpolation(part.inner), span: { ...part.span } };
      });
    }
    return literal;
  }

  private parseInterpolation(inner: Span): Expr {
    const parsed = this.withNesting(() => {
      const saved = { tokens: this.tokens, pos: this.pos, ignoreNewlines: this.ignoreNewlines, recovering: this.recovering };
      this.tokens = lex(this.text, { comments: undefined, error: this.sink.error }, inner.start, inner.end);
      this.pos = 0;
      this.ignoreNewlines = true;
      this.recovering = false;
      const first = this.peek();
      const expr = first.kind === "eof" ? this.expressionError(first, "inside `${}`") : this.parseExpr();
      const rest = this.peek();
      if (rest.kind !== "eof") this.error(rest, `expected \`}\` to end the interpolation, found ${this.describe(rest)}`);
      const failed = this.recovering;
      Object.assign(this, saved);
      this.recovering = this.recovering || failed;
      return expr;
    });
    return parsed ?? this.errorExpr(inner.start);
  }

  private parseParen(open: Token): Expr {
    const saved = this.ignoreNewlines;
    this.ignoreNewlines = true;
    const first = this.peek();
    const expr = this.canStartExpression(first) ? this.parseExpr() : this.expressionError(first, "after `(`");
    this.closeBracket(open, ")", "the parenthesized expression");
    this.ignoreNewlines = saved;
    return { kind: "Paren", expr, span: { start: open.start, end: this.lastEnd(open.end) } };
  }

  /** Consumes `closer`, or reports and re-syncs: an unclosed bracket at a line that starts a new member is reported at the opener. */
  private closeBracket(open: Token, closer: string, what: string): void {
    const token = this.peek();
    if (this.isPunct(closer, token)) {
      this.next();
      return;
    }
    if (token.kind === "eof" || this.startsNewMember(token, open)) {
      this.error(token, `\`${open.text}\` is never closed: expected \`${closer}\``, { start: open.start, end: open.end });
      while (this.pos > 0 && this.tokens[this.pos - 1]!.kind === "newline") this.pos--;
      return;
    }
    this.error(token, `expected \`${closer}\` after ${what}, found ${this.describe(token)}`);
    if (!this.syncToCloser(closer)) while (this.pos > 0 && this.tokens[this.pos - 1]!.kind === "newline") this.pos--;
  }

  /** Comma-separated items up to `closer`; line breaks are free inside. */
  private parseCommaList<T>(open: Token, closer: string, what: string, parseItem: () => T): T[] {
    const items: T[] = [];
    const saved = this.ignoreNewlines;
    this.ignoreNewlines = true;
    while (!this.isPunct(closer)) {
      const token = this.peek();
      if (token.kind === "eof" || this.startsNewMember(token, open)) break;
      if (!this.canStartExpression(token)) {
        this.expressionError(token, items.length === 0 ? `after \`${open.text}\`` : "after `,`");
        break;
      }
      items.push(parseItem());
      if (this.recovering) break;
      if (!this.isPunct(",")) break;
      this.next();
    }
    this.closeBracket(open, closer, what);
    this.ignoreNewlines = saved;
    return items;
  }

  private parseArguments(open: Token): Argument[] {
    return this.parseCommaList(open, ")", "the arguments", () => {
      const token = this.peek();
      if (token.kind === "ident" && this.isPunct("=", this.la(1))) {
        const name = this.identifier(this.next());
        this.next();
        const value = this.parseOperand(this.tokens[this.pos - 1]!, () => this.parseExpr());
        return { kind: "Argument", name, value, span: { start: name.span.start, end: spanEnd(value, name.span.end) } };
      }
      const value = this.parseExpr();
      return { kind: "Argument", value, span: { ...value.span } };
    });
  }

  private parseList(open: Token): Expr {
    const elements = this.parseCommaList(open, "]", "the list elements", () => this.parseExpr());
    return { kind: "List", elements, span: { start: open.start, end: this.lastEnd(open.end) } };
  }

  private parseRecord(open: Token): RecordExpr {
    const fields = this.parseBraceList(open, "the record", "record field", () => this.parseRecordField());
    return { kind: "Record", fields, span: { start: open.start, end: this.lastEnd(open.end) } };
  }

  private parseRecordField(): RecordField | undefined {
    const token = this.peek();
    if (token.kind !== "ident" && token.kind !== "string") {
      this.error(token, `expected a record field (\`name = value\`), found ${this.describe(token)}`);
      return undefined;
    }
    this.next();
    const quotedKey = token.kind === "string";
    const key: Identifier = {
      kind: "Identifier",
      name: quotedKey ? (token.value ?? "") : token.text,
      span: { start: token.start, end: token.end },
    };
    if (!this.isPunct("=")) {
      this.error(this.peek(), `expected \`=\` after the record key \`${key.name}\`, found ${this.describe(this.peek())}`);
      return undefined;
    }
    const equals = this.next();
    const value = this.parseOperand(equals, () => this.parseExpr());
    return { kind: "RecordField", key, quotedKey, value, span: { start: token.start, end: spanEnd(value, token.end) } };
  }
}

const DECLARATION_KEYWORDS = [...BLOCK_KEYWORDS, "param", "import", "template"];

/** The declaration keyword `word` is most likely a typo of (at most 2 edits, and fewer than half its letters). */
function closestKeyword(word: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(word.length / 2));
  for (const keyword of DECLARATION_KEYWORDS) {
    const distance = editDistance(word.toLowerCase(), keyword);
    if (distance < bestDistance) {
      best = keyword;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function isLineBreakCode(c: number): boolean {
  return c === 10 || c === 13;
}

function docText(comments: Comment[] | undefined): string | undefined {
  if (!comments || comments.length === 0) return undefined;
  return comments.map((c) => c.text.replace(/^\/\/\/ ?/, "").trimEnd()).join("\n");
}

function withDoc<T extends { doc?: string }>(node: T, doc: string | undefined): T {
  if (doc !== undefined) node.doc = doc;
  return node;
}

function spanEnd(expr: Expr, fallback: number): number {
  return expr.kind === "Error" ? Math.max(fallback, expr.span.end) : expr.span.end;
}
