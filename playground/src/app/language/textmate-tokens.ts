/**
 * Highlighting from the one grammar VS Code uses: the extension's
 * `mlops.tmLanguage.json`, run by `vscode-textmate` over the Oniguruma WASM
 * (both Microsoft's, the engine VS Code itself runs). Monaco colours a token
 * by one scope, matched by prefix (`keyword` colours
 * `keyword.other.declaration.mlops`): each token gets its innermost scope that
 * says what the text is, skipping `punctuation.*` and `meta.*` (the quotes of a
 * string are coloured as the string).
 */
import { languages } from "monaco-editor/editor/editor.api.js";
import { createOnigScanner, createOnigString, loadWASM } from "vscode-oniguruma";
import { INITIAL, type IGrammar, parseRawGrammar, Registry, type StateStack } from "vscode-textmate";
import grammarJson from "../../../../vscode-extension/syntaxes/mlops.tmLanguage.json";

class GrammarState implements languages.IState {
  constructor(readonly stack: StateStack) {}

  clone(): GrammarState {
    return new GrammarState(this.stack.clone());
  }

  equals(other: languages.IState): boolean {
    return other instanceof GrammarState && other.stack.equals(this.stack);
  }
}

async function loadGrammar(wasmUrl: URL): Promise<IGrammar> {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`cannot load ${wasmUrl.pathname}: HTTP ${response.status}`);
  await loadWASM(await response.arrayBuffer());
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner, createOnigString }),
    loadGrammar: async (scopeName) =>
      scopeName === "source.mlops" ? parseRawGrammar(JSON.stringify(grammarJson), "mlops.tmLanguage.json") : null,
  });
  const grammar = await registry.loadGrammar("source.mlops");
  if (!grammar) throw new Error("the mlops grammar did not load");
  return grammar;
}

function colouredScope(scopes: string[]): string {
  for (let i = scopes.length - 1; i > 0; i--) {
    const scope = scopes[i]!;
    if (!scope.startsWith("punctuation.") && !scope.startsWith("meta.")) return scope;
  }
  return scopes[0] ?? "";
}

/** Installs the grammar as the tokenizer of `languageId`. */
export async function installTextMateTokens(languageId: string, wasmUrl: URL): Promise<void> {
  const grammar = await loadGrammar(wasmUrl);
  languages.setTokensProvider(languageId, {
    getInitialState: () => new GrammarState(INITIAL),
    tokenize(line, state) {
      const result = grammar.tokenizeLine(line, (state as GrammarState).stack);
      return {
        tokens: result.tokens.map((token) => ({ startIndex: token.startIndex, scopes: colouredScope(token.scopes) })),
        endState: new GrammarState(result.ruleStack),
      };
    },
  });
}
