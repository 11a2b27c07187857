/**
 * Colours for the read-only plan pane. Monaco's JSON support brings a
 * validation worker the pane does not need; keys, strings, numbers and
 * literals are all it shows.
 */
import { languages } from "monaco-editor/editor/editor.api.js";

export const PLAN_JSON = "plan-json";

export function registerPlanJson(): void {
  languages.register({ id: PLAN_JSON });
  languages.setLanguageConfiguration(PLAN_JSON, {
    brackets: [
      ["{", "}"],
      ["[", "]"],
    ],
  });
  languages.setMonarchTokensProvider(PLAN_JSON, {
    tokenPostfix: ".json",
    tokenizer: {
      root: [
        [/"(?:[^"\\]|\\.)*"(?=\s*:)/, "key"],
        [/"(?:[^"\\]|\\.)*"/, "string"],
        [/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, "number"],
        [/\b(?:true|false|null)\b/, "keyword"],
        [/[{}[\],:]/, "delimiter"],
      ],
    },
  });
}
