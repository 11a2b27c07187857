import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import oniguruma from "vscode-oniguruma";
import textmate, { type IGrammar, type StateStack } from "vscode-textmate";

// Both packages are CommonJS bundles whose named exports Node cannot detect: take them from the default export.
const { INITIAL, parseRawGrammar, Registry } = textmate;

export const extensionRoot = join(dirname(new URL(import.meta.url).pathname), "..", "..");
export const grammarPath = join(extensionRoot, "syntaxes", "mlops.tmLanguage.json");

export interface Token {
  text: string;
  startIndex: number;
  scopes: string[];
}

let wasmLoaded: Promise<void> | undefined;

function loadOniguruma(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasmPath = join(dirname(require.resolve("vscode-oniguruma")), "onig.wasm");
  const wasm = readFileSync(wasmPath);
  wasmLoaded ??= oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  return wasmLoaded;
}

/** The extension's grammar, loaded the way VS Code loads it (vscode-textmate over the Oniguruma WASM). */
export async function loadMlopsGrammar(): Promise<IGrammar> {
  await loadOniguruma();
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === "source.mlops" ? parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar("source.mlops");
  if (!grammar) throw new Error(`could not load ${grammarPath}`);
  return grammar;
}

/** Tokenises a whole text line by line, carrying the rule stack across lines as an editor does. */
export function tokenizeText(grammar: IGrammar, text: string): Token[][] {
  let state: StateStack = INITIAL;
  return text.split(/\r?\n/).map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((token) => ({
      text: line.slice(token.startIndex, token.endIndex),
      startIndex: token.startIndex,
      scopes: token.scopes,
    }));
  });
}
