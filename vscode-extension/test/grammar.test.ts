import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { IGrammar } from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";
import { corpusFolders, mlopsFilesUnder } from "./support/corpus.js";
import { extensionRoot, loadMlopsGrammar, type Token, tokenizeText } from "./support/textmate.js";

let grammar: IGrammar;
beforeAll(async () => {
  grammar = await loadMlopsGrammar();
});

const fixturePath = join(extensionRoot, "test", "fixtures", "highlight.mlops");

/** Scopes below the root `source.mlops`, one string per token. */
function scopesOf(token: Token): string {
  return token.scopes.slice(1).join(" ");
}

describe("the grammar on the fixture", () => {
  let lines: Token[][];
  beforeAll(() => {
    lines = tokenizeText(grammar, readFileSync(fixturePath, "utf8"));
  });

  /** The scopes of the token that starts with `text` (its `occurrence`-th such token) on a 1-based line. */
  function at(line: number, text: string, occurrence = 1): string {
    const matches = lines[line - 1].filter((token) => token.text === text);
    const token = matches[occurrence - 1];
    if (!token)
      throw new Error(
        `no token ${JSON.stringify(text)} (#${occurrence}) on line ${line}: ${JSON.stringify(lines[line - 1].map((t) => t.text))}`,
      );
    return scopesOf(token);
  }

  it("scopes doc comments, line comments and block comments across lines", () => {
    expect(at(1, "///")).toBe("comment.line.documentation.mlops punctuation.definition.comment.mlops");
    expect(at(1, " Scores loans.")).toBe("comment.line.documentation.mlops");
    expect(at(2, "/*")).toBe("comment.block.mlops punctuation.definition.comment.begin.mlops");
    expect(at(3, "   over two lines ")).toBe("comment.block.mlops");
    expect(at(3, "*/")).toBe("comment.block.mlops punctuation.definition.comment.end.mlops");
    expect(at(29, "//")).toBe("meta.type.annotation.mlops comment.line.double-slash.mlops punctuation.definition.comment.mlops");
    expect(at(29, " nullable")).toBe("meta.type.annotation.mlops comment.line.double-slash.mlops");
  });

  it("scopes declaration keywords, names, extends and from", () => {
    expect(at(4, "pipeline")).toBe("keyword.other.declaration.mlops");
    expect(at(4, "loans")).toBe("entity.name.type.declaration.mlops");
    expect(at(12, "env")).toBe("keyword.other.declaration.mlops");
    expect(at(12, "prod")).toBe("entity.name.type.declaration.mlops");
    expect(at(14, "template")).toBe("keyword.other.declaration.template.mlops");
    expect(at(14, "deploy")).toBe("keyword.other.declaration.mlops");
    expect(at(14, "small_service")).toBe("entity.name.type.declaration.mlops");
    expect(at(18, "extends")).toBe("keyword.other.extends.mlops");
    expect(at(18, "small_service")).toBe("entity.other.inherited-class.mlops");
    expect(at(36, "features")).toBe("keyword.other.declaration.mlops");
    expect(at(36, "from")).toBe("keyword.other.from.mlops");
    expect(at(36, "applications")).toBe("variable.other.source.mlops");
  });

  it("keeps block-kind words that are field names as fields", () => {
    expect(at(19, "model")).toBe("variable.other.property.mlops");
    expect(at(15, "target")).toBe("variable.other.property.mlops");
  });

  it("scopes imports of files and of std modules", () => {
    expect(at(6, "import")).toBe("meta.import.mlops keyword.control.import.mlops");
    expect(at(6, "./common/sources.mlops")).toBe("meta.import.mlops string.quoted.double.mlops");
    expect(at(7, "std")).toBe("meta.import.mlops support.module.std.mlops");
    expect(at(7, ".")).toBe("meta.import.mlops entity.name.namespace.mlops punctuation.accessor.mlops");
    expect(at(7, "gates")).toBe("meta.import.mlops entity.name.namespace.mlops");
  });

  it("scopes params, types, nullable marks and generic types", () => {
    expect(at(9, "param")).toBe("keyword.other.declaration.mlops");
    expect(at(9, "region")).toBe("entity.name.variable.param.mlops");
    expect(at(9, "string")).toBe("meta.type.annotation.mlops support.type.mlops");
    expect(at(9, "=")).toBe("keyword.operator.assignment.mlops");
    expect(at(11, "list")).toBe("meta.type.annotation.mlops meta.type.parameters.mlops support.type.mlops");
    expect(at(11, "float")).toBe("meta.type.annotation.mlops meta.type.parameters.mlops support.type.mlops");
    expect(at(11, "?")).toBe("meta.type.annotation.mlops keyword.operator.optional.mlops");
    expect(at(28, "enum")).toBe("meta.type.annotation.mlops meta.type.enum.mlops support.type.mlops");
    expect(at(28, "car")).toBe("meta.type.annotation.mlops meta.type.enum.mlops string.quoted.double.mlops");
    expect(at(29, "?")).toBe("meta.type.annotation.mlops keyword.operator.optional.mlops");
  });

  it("scopes schema columns and statement keywords", () => {
    expect(at(26, "schema")).toBe("keyword.other.statement.mlops");
    expect(at(27, "income")).toBe("variable.other.column.mlops");
    expect(at(27, "range")).toBe("meta.type.annotation.mlops support.function.builtin.mlops");
    expect(at(31, "expect")).toBe("keyword.other.statement.mlops");
    expect(at(41, "drift")).toBe("keyword.other.statement.mlops");
    expect(at(41, "income")).toBe("variable.other.column.mlops");
    expect(at(41, "ks")).toBe("support.constant.drift-method.mlops");
    expect(at(42, "when")).toBe("keyword.other.statement.mlops");
    expect(at(42, "drift_share")).toBe("support.constant.metric.mlops");
    expect(at(42, "=>")).toBe("keyword.operator.arrow.mlops");
    expect(at(42, "retrain")).toBe("support.function.action.mlops");
  });

  it("scopes numbers and their units", () => {
    expect(at(10, "85")).toBe("constant.numeric.decimal.mlops");
    expect(at(10, "%")).toBe("keyword.other.unit.mlops");
    expect(at(11, "1e-3")).toBe("constant.numeric.decimal.mlops");
    expect(at(11, "0.5")).toBe("constant.numeric.decimal.mlops");
    expect(at(15, "250")).toBe("constant.numeric.decimal.mlops");
    expect(at(15, "m")).toBe("keyword.other.unit.mlops");
    expect(at(15, "512")).toBe("constant.numeric.decimal.mlops");
    expect(at(15, "Mi")).toBe("keyword.other.unit.mlops");
    expect(at(20, "10", 2)).toBe("constant.numeric.decimal.mlops");
    expect(at(20, "m")).toBe("keyword.other.unit.mlops");
    expect(at(43, "5")).toBe("constant.numeric.decimal.mlops");
    expect(at(43, "xyz")).toBe("invalid.illegal.unit.mlops");
  });

  it("scopes strings, escapes and interpolated expressions", () => {
    const string = "string.quoted.double.mlops";
    const embedded = `${string} meta.interpolation.mlops meta.embedded.line.mlops`;
    expect(at(15, "${")).toBe(`${string} meta.interpolation.mlops punctuation.section.interpolation.begin.mlops`);
    expect(at(15, "params")).toBe(`${embedded} variable.language.mlops`);
    expect(at(15, ".", 1)).toBe(`${embedded} punctuation.accessor.mlops`);
    expect(at(15, "region")).toBe(`${embedded} variable.other.member.mlops`);
    expect(at(15, "}", 1)).toBe(`${string} meta.interpolation.mlops punctuation.section.interpolation.end.mlops`);
    expect(at(15, "-api")).toBe(string);
    expect(at(15, "\\n")).toBe(`${string} constant.character.escape.mlops`);
    expect(at(15, "}", 2)).toBe("punctuation.section.block.end.mlops");
  });

  it("scopes fields, constructors, calls, booleans and word operators", () => {
    expect(at(15, "kubernetes")).toBe("support.class.constructor.mlops");
    expect(at(15, "cpu")).toBe("variable.other.property.mlops");
    expect(at(20, "canary")).toBe("support.class.constructor.mlops");
    expect(at(32, "null_rate")).toBe("support.function.builtin.mlops");
    expect(at(37, "is_big")).toBe("variable.other.property.mlops");
    expect(at(37, "income")).toBe("variable.other.readwrite.mlops");
    expect(at(37, ">")).toBe("keyword.operator.comparison.mlops");
    expect(at(37, "and")).toBe("keyword.operator.logical.mlops");
    expect(at(37, "not")).toBe("keyword.operator.logical.mlops");
    expect(at(37, "is_null")).toBe("support.function.builtin.mlops");
    expect(at(24, "csv")).toBe("support.constant.format.mlops");
  });
});

describe("the grammar on small inputs", () => {
  const tokens = (text: string) => tokenizeText(grammar, text);

  it("scopes the escapes the lexer accepts and marks the others invalid", () => {
    const [line] = tokens('x = "\\n\\t\\r\\"\\\\\\$\\0\\u{1F600}\\q"');
    const escapes = line.filter((t) => t.text.startsWith("\\")).map((t) => [t.text, scopesOf(t)]);
    const escape = "string.quoted.double.mlops constant.character.escape.mlops";
    expect(escapes).toEqual([
      ...["\\n", "\\t", "\\r", '\\"', "\\\\", "\\$", "\\0", "\\u{1F600}"].map((text) => [text, escape]),
      ["\\q", "string.quoted.double.mlops invalid.illegal.escape.mlops"],
    ]);
  });

  it("ends an unterminated string at the end of its line", () => {
    const [first, second] = tokens('path = "data/x.csv\nformat = csv');
    expect(scopesOf(first[first.length - 1])).toBe("string.quoted.double.mlops");
    expect(second.map(scopesOf)).not.toContain("string.quoted.double.mlops");
    expect(scopesOf(second[0])).toBe("variable.other.property.mlops");
  });

  it("scopes every unit of the language after a number", () => {
    for (const unit of ["ms", "s", "m", "h", "d", "w", "Ki", "Mi", "Gi", "Ti", "K", "M", "G", "T", "%"]) {
      const [line] = tokens(`x = 12${unit}`);
      expect(line.map((t) => [t.text, scopesOf(t)]).slice(-2)).toEqual([
        ["12", "constant.numeric.decimal.mlops"],
        [unit, "keyword.other.unit.mlops"],
      ]);
    }
  });

  it("does not read an identifier ending in digits as a number", () => {
    const [line] = tokens("x = f1 + l2");
    expect(line.filter((t) => t.text === "l2").map(scopesOf)).toEqual(["variable.other.readwrite.mlops"]);
    expect(line.filter((t) => t.text === "f1").map(scopesOf)).toEqual(["support.constant.metric.mlops"]);
  });

  it("keeps a brace inside an interpolation balanced", () => {
    const [line] = tokens('x = "${ {a = 1}.a }!"');
    expect(scopesOf(line[line.length - 2])).toBe("string.quoted.double.mlops");
    expect(line[line.length - 2].text).toBe("!");
  });

  it("reads `drift *: auto` as a drift rule over every column", () => {
    const [line] = tokens("  drift *: auto");
    expect(line.filter((t) => t.text.trim() !== "").map((t) => [t.text, scopesOf(t)])).toEqual([
      ["drift", "keyword.other.statement.mlops"],
      ["*", "variable.other.column.mlops"],
      [":", "punctuation.separator.colon.mlops"],
      ["auto", "support.constant.drift-method.mlops"],
    ]);
  });
});

for (const folder of corpusFolders) {
  const files = mlopsFilesUnder(folder.path);
  describe.skipIf(files.length === 0)(`every line of every .mlops file in ${folder.label} (${folder.path})`, () => {
    it.each(files.map((file) => [relative(folder.path, file), file]))("%s", (_name, file) => {
      const lines = tokenizeText(grammar, readFileSync(file, "utf8"));
      lines.forEach((line, index) => {
        const where = `${file}:${index + 1}`;
        let end = 0;
        for (const token of line) {
          expect(token.startIndex, `${where}: tokens are contiguous`).toBe(end);
          end += token.text.length;
        }
        if (!folder.valid) return;
        for (const token of line) {
          if (token.text.trim() === "") continue;
          expect(token.scopes.length, `${where}: ${JSON.stringify(token.text)} is unscoped`).toBeGreaterThan(1);
          expect(scopesOf(token), `${where}: ${JSON.stringify(token.text)}`).not.toMatch(/\binvalid\./);
        }
        const firstWord = line.find((token) => token.text.trim() !== "");
        if (
          firstWord &&
          /^(pipeline|param|env|source|features|model|gate|deploy|monitor|template)$/.test(firstWord.text) &&
          line.length > 2
        ) {
          const declares = !/^\s*\S+\s*[=:.(]/.test(line.map((t) => t.text).join(""));
          if (declares) expect(scopesOf(firstWord), where).toMatch(/^keyword\.other\.declaration/);
        }
      });
    });
  });
}
