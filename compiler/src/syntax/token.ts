import type { Comment, Span } from "./ast.js";

export type TokenKind = "ident" | "number" | "string" | "punct" | "newline" | "error" | "eof";

/** A piece of a string literal as the lexer saw it; interpolations are parsed later. */
export type LexedStringPart = { kind: "Text"; value: string; span: Span } | { kind: "Interpolation"; span: Span; inner: Span };

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for `punct`, the operator itself). */
  text: string;
  start: number;
  end: number;
  /** True when only whitespace or comments precede the token on its line. */
  lineStart: boolean;
  /** `///` comments right above the token. */
  doc?: Comment[];
  /** Number tokens: numeric part and unit as written. */
  raw?: string;
  unit?: string;
  /** String tokens. */
  value?: string;
  parts?: LexedStringPart[];
  terminated?: boolean;
  /** Set on the end marker the parser makes up where a declaration starts inside unclosed brackets. */
  synthetic?: boolean;
}

export interface LexSink {
  comments: Comment[] | undefined;
  error(span: Span, message: string): void;
}
