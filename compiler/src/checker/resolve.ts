/** Name lookups shared by every check: declarations, params, with did-you-mean hints and recorded references. */
import type { Fix } from "../diagnostics/diagnostic.js";
import type { ProgramFile } from "../program/source-files.js";
import type { Expr, Identifier } from "../syntax/ast.js";
import type { DeclContext } from "./context.js";
import { closestMatch } from "./edit-distance.js";
import type { ParamInfo } from "./infos.js";
import type { BlockSymbol, ParamSymbol, SemanticSymbol } from "./symbols.js";
import { blockNameSetKey } from "./symbols.js";
import type { DeclKind, Type } from "./types.js";
import { DECL_KIND_NAMES, UNKNOWN } from "./types.js";

export function declarationSymbol(s: BlockSymbol): SemanticSymbol {
  return {
    key: s.declKind === "env" ? `env:${s.name}` : `decl:${s.name}`,
    kind: s.declKind === "env" ? "env" : "declaration",
    name: s.name,
    declKind: s.declKind,
    isTemplate: s.isTemplate,
    file: s.file.path,
    span: s.node.name.span,
    ...(s.node.doc ? { doc: s.node.doc } : {}),
  };
}

export function paramSymbol(s: ParamSymbol, type?: Type): SemanticSymbol {
  return {
    key: `param:${s.name}`,
    kind: "param",
    name: s.name,
    file: s.file.path,
    span: s.node.name.span,
    ...(s.node.doc ? { doc: s.node.doc } : {}),
    ...(type ? { type } : {}),
  };
}

export function renameFix(file: ProgramFile, id: { span: { start: number; end: number } }, to: string): Fix {
  return { title: `Change to \`${to}\``, edits: [{ file: file.path, range: file.lineMap.range(id.span), newText: to }] };
}

/** `did you mean` hint and fix for a misspelt name among candidates. */
export function suggestion(
  file: ProgramFile,
  id: Identifier | { name: string; span: { start: number; end: number } },
  candidates: Iterable<string>,
): { hints: string[]; fixes: Fix[] } {
  const guess = closestMatch(id.name, candidates);
  return guess ? { hints: [`did you mean \`${guess}\`?`], fixes: [renameFix(file, id, guess)] } : { hints: [], fixes: [] };
}

/** The names of the (non-template or template) declarations of these kinds, as a check that builds a hint from them depends on them. */
export function declaredNames(ctx: DeclContext, kinds: readonly DeclKind[], templates = false): string[] {
  for (const kind of kinds) ctx.dependOn(blockNameSetKey(kind, templates));
  return kinds.flatMap((kind) =>
    ctx.checker.table
      .blocksOf(kind, templates)
      .filter((s) => s.isTemplate === templates)
      .map((s) => s.name),
  );
}

/** Resolves a declaration name of the expected kind; reports unknown names and wrong kinds. */
export function lookupBlock(
  ctx: DeclContext,
  file: ProgramFile,
  id: Identifier,
  expected: DeclKind | DeclKind[],
  role?: string,
): BlockSymbol | undefined {
  const kinds = Array.isArray(expected) ? expected : [expected];
  const what = kinds.map((k) => DECL_KIND_NAMES[k]).join(" or ");
  ctx.dependOn(`decl:${id.name}`);
  const symbol = ctx.checker.table.block(id.name);
  if (!symbol) {
    const { hints, fixes } = suggestion(file, id, declaredNames(ctx, kinds));
    ctx.report(file, "unknown-reference", id.span, `no ${what} is named \`${id.name}\`${role ? ` (${role})` : ""}`, hints, fixes);
    return undefined;
  }
  ctx.reference(file, id.span, declarationSymbol(symbol));
  ctx.uses.add(`decl:${symbol.name}`);
  if (!kinds.includes(symbol.declKind)) {
    const { hints, fixes } = suggestion(file, id, declaredNames(ctx, kinds));
    ctx.report(
      file,
      "type-mismatch",
      id.span,
      `\`${id.name}\` is a ${DECL_KIND_NAMES[symbol.declKind]}, expected a ${what}${role ? ` (${role})` : ""}`,
      hints,
      fixes,
    );
    return undefined;
  }
  if (symbol.isTemplate) {
    ctx.report(
      file,
      "type-mismatch",
      id.span,
      `\`${id.name}\` is a template; a template can only be extended (\`${DECL_KIND_NAMES[symbol.declKind]} x extends ${id.name}\`)`,
    );
    return undefined;
  }
  return symbol;
}

/** `params.NAME`: its param symbol and declared type; reports unknown params. */
export function lookupParam(ctx: DeclContext, file: ProgramFile, id: Identifier): { symbol: ParamSymbol; info: ParamInfo } | undefined {
  ctx.dependOn(`param:${id.name}`);
  for (const env of ctx.checker.table.envs.keys()) ctx.dependOn(`env:${env}`);
  const symbol = ctx.checker.table.param(id.name);
  if (!symbol) {
    ctx.dependOn("names:param");
    const { hints, fixes } = suggestion(file, id, ctx.checker.table.params.keys());
    ctx.report(
      file,
      "unknown-reference",
      id.span,
      `no param is named \`${id.name}\``,
      hints.length ? hints : ["declare it: `param NAME: TYPE = VALUE`"],
      fixes,
    );
    return undefined;
  }
  const result = ctx.checker.result(symbol);
  ctx.use(result, `param:${id.name}`);
  ctx.uses.add(`param:${id.name}`);
  const info = result.info.kind === "param" ? result.info : { kind: "param" as const, type: UNKNOWN, typeText: "unknown" };
  ctx.reference(file, id.span, paramSymbol(symbol, info.type));
  return { symbol, info };
}

/** The params of `params.x` as an expression, when `expr` is one. */
export function paramAccess(expr: Expr): Identifier | undefined {
  if (expr.kind === "Member" && expr.object.kind === "Name" && expr.object.name.name === "params") return expr.property;
  return undefined;
}

/** Every place a param's value is written: its default and each env override. */
export function paramValueSites(ctx: DeclContext, name: string): Array<{ file: ProgramFile; expr: Expr; env?: string }> {
  const out: Array<{ file: ProgramFile; expr: Expr; env?: string }> = [];
  const param = ctx.checker.table.param(name);
  if (param?.node.value) out.push({ file: param.file, expr: param.node.value });
  for (const [envName, list] of ctx.checker.table.envs) {
    const env = list[0]!;
    for (const member of env.node.members) {
      if (member.kind === "Field" && member.name.name === name) out.push({ file: env.file, expr: member.value, env: envName });
    }
  }
  return out;
}
