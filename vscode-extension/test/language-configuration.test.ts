import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extensionRoot } from "./support/textmate.js";

interface LanguageConfiguration {
  comments: { lineComment: string; blockComment: [string, string] };
  brackets: [string, string][];
  autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
  surroundingPairs: [string, string][];
  folding: { markers: { start: string; end: string } };
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  wordPattern: string;
  onEnterRules: { beforeText: string; afterText?: string; action: { appendText?: string } }[];
}

const config = JSON.parse(readFileSync(join(extensionRoot, "language-configuration.json"), "utf8")) as LanguageConfiguration;
const manifest = JSON.parse(readFileSync(join(extensionRoot, "package.json"), "utf8")) as {
  contributes: { languages: { id: string; extensions: string[]; configuration: string }[] };
};

describe("language configuration", () => {
  it("is the one package.json registers for .mlops", () => {
    const [language] = manifest.contributes.languages;
    expect(language).toMatchObject({ id: "mlops", extensions: [".mlops"], configuration: "./language-configuration.json" });
  });

  it("knows the language's comments and brackets", () => {
    expect(config.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(config.brackets).toEqual([
      ["{", "}"],
      ["[", "]"],
      ["(", ")"],
    ]);
    expect(config.surroundingPairs).toContainEqual(['"', '"']);
  });

  it("auto-closes quotes outside strings and comments", () => {
    expect(config.autoClosingPairs).toContainEqual({ open: '"', close: '"', notIn: ["string", "comment"] });
  });

  it("indents after an opening bracket and outdents at a closing one", () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    expect(["source tx {", "  target = kubernetes {  // cluster", "  steps = [", "  x = f("].map((l) => increase.test(l))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['  owner = "a"', "// note {", "  split = { test = 20% }"].map((l) => increase.test(l))).toEqual([false, false, false]);
    expect(["  }", "]", ")", "  x = 1"].map((l) => decrease.test(l))).toEqual([true, true, true, false]);
  });

  it("continues a /// doc comment on Enter, and only that kind of line comment", () => {
    const appended = (before: string) =>
      config.onEnterRules.find((rule) => !rule.afterText && new RegExp(rule.beforeText).test(before))?.action.appendText;
    expect(appended("  /// Scores loans.")).toBe("/// ");
    expect(appended("  // a note")).toBeUndefined();
    expect(appended("/* start of a block")).toBe(" * ");
  });

  it("folds between region markers", () => {
    expect(new RegExp(config.folding.markers.start).test("  // #region sources")).toBe(true);
    expect(new RegExp(config.folding.markers.end).test("  // #endregion")).toBe(true);
    expect(new RegExp(config.folding.markers.start).test("  // #endregion")).toBe(false);
  });

  it("treats a quantity and an identifier as one word each", () => {
    const words = (text: string) => text.match(new RegExp(config.wordPattern, "g"));
    expect(words("memory = 512Mi, ratio = 70%, lr = 1e-3, x = params.min_auc")).toEqual([
      "memory",
      "512Mi",
      "ratio",
      "70%",
      "lr",
      "1e-3",
      "x",
      "params",
      "min_auc",
    ]);
  });
});
