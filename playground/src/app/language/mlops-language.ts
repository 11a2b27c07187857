/** The `.mlops` language in Monaco: its id, and the extension's language configuration (brackets, comments, indentation). */
import { languages } from "monaco-editor/editor/editor.api.js";
import configuration from "../../../../vscode-extension/language-configuration.json";

export const MLOPS = "mlops";

type Pair = [string, string];

/** VS Code's JSON language configuration with its regular expressions as Monaco wants them. */
function toMonaco(): languages.LanguageConfiguration {
  const c = configuration;
  return {
    comments: { lineComment: c.comments.lineComment, blockComment: c.comments.blockComment as Pair },
    brackets: c.brackets as Pair[],
    colorizedBracketPairs: c.colorizedBracketPairs as Pair[],
    autoClosingPairs: c.autoClosingPairs,
    autoCloseBefore: c.autoCloseBefore,
    surroundingPairs: c.surroundingPairs.map(([open, close]) => ({ open: open!, close: close! })),
    folding: { markers: { start: new RegExp(c.folding.markers.start), end: new RegExp(c.folding.markers.end) } },
    indentationRules: {
      increaseIndentPattern: new RegExp(c.indentationRules.increaseIndentPattern),
      decreaseIndentPattern: new RegExp(c.indentationRules.decreaseIndentPattern),
    },
    onEnterRules: c.onEnterRules.map((rule) => ({
      beforeText: new RegExp(rule.beforeText),
      ...("afterText" in rule && rule.afterText ? { afterText: new RegExp(rule.afterText) } : {}),
      ...("previousLineText" in rule && rule.previousLineText ? { previousLineText: new RegExp(rule.previousLineText) } : {}),
      action: {
        indentAction: { none: languages.IndentAction.None, indentOutdent: languages.IndentAction.IndentOutdent }[
          rule.action.indent as "none"
        ],
        appendText: rule.action.appendText,
      },
    })),
    wordPattern: new RegExp(c.wordPattern),
  };
}

export function registerMlopsLanguage(): void {
  languages.register({ id: MLOPS, extensions: [".mlops"], aliases: ["MLOps", "mlops"] });
  languages.setLanguageConfiguration(MLOPS, toMonaco());
}
