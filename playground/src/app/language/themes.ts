/**
 * Light and dark themes: Monaco's own, plus colours for the grammar's scopes
 * (rules match scope prefixes, so `support.constant` covers tasks, metrics, formats...).
 */
import { editor } from "monaco-editor/editor/editor.api.js";

export const LIGHT = "mlops-light";
export const DARK = "mlops-dark";

type Palette = Record<string, string>;

const light: Palette = {
  comment: "6a737d",
  "comment.line.documentation": "3f7f5f",
  keyword: "0033b3",
  "keyword.operator": "444d56",
  "keyword.other.unit": "871094",
  string: "067d17",
  "constant.character.escape": "0037a6",
  "constant.numeric": "1750eb",
  "constant.language": "0033b3",
  "support.type": "00627a",
  "support.constant": "871094",
  "support.function": "00627a",
  "support.class": "00627a",
  "support.module": "0033b3",
  "entity.name.type": "000000",
  "entity.name.function": "00627a",
  "entity.name.namespace": "000000",
  "entity.other.inherited-class": "000000",
  "variable.other.property": "871094",
  "variable.other.column": "9e5b00",
  "variable.language": "0033b3",
  invalid: "d73a49",
};

const dark: Palette = {
  comment: "7f8c8d",
  "comment.line.documentation": "6a9955",
  keyword: "569cd6",
  "keyword.operator": "d4d4d4",
  "keyword.other.unit": "c586c0",
  string: "ce9178",
  "constant.character.escape": "d7ba7d",
  "constant.numeric": "b5cea8",
  "constant.language": "569cd6",
  "support.type": "4ec9b0",
  "support.constant": "c586c0",
  "support.function": "dcdcaa",
  "support.class": "4ec9b0",
  "support.module": "569cd6",
  "entity.name.type": "4ec9b0",
  "entity.name.function": "dcdcaa",
  "entity.name.namespace": "9cdcfe",
  "entity.other.inherited-class": "4ec9b0",
  "variable.other.property": "9cdcfe",
  "variable.other.column": "e5c07b",
  "variable.language": "569cd6",
  invalid: "f44747",
};

function rules(palette: Palette): editor.ITokenThemeRule[] {
  return Object.entries(palette).map(([token, foreground]) => ({
    token,
    foreground,
    ...(token.startsWith("comment") ? { fontStyle: "italic" } : {}),
  }));
}

/** JSON in the plan pane (the small tokenizer in `json-language.ts`). */
const jsonRules = (palette: Palette): editor.ITokenThemeRule[] => [
  { token: "key.json", foreground: palette["variable.other.property"]! },
  { token: "string.json", foreground: palette.string! },
  { token: "number.json", foreground: palette["constant.numeric"]! },
  { token: "keyword.json", foreground: palette.keyword! },
];

export function defineThemes(): void {
  editor.defineTheme(LIGHT, { base: "vs", inherit: true, rules: [...rules(light), ...jsonRules(light)], colors: {} });
  editor.defineTheme(DARK, { base: "vs-dark", inherit: true, rules: [...rules(dark), ...jsonRules(dark)], colors: {} });
}
