/** The examples' and the standard library's `.mlops` files, bundled by `build.ts`. */
declare module "playground:content" {
  const content: {
    examples: Array<{ name: string; files: Record<string, string> }>;
    stdlib: Record<string, string>;
  };
  export default content;
}

/** Monaco's editor features (hover, suggest, rename...), bundled by `build.ts` from `editor.main.js`. */
declare module "playground:monaco-features" {}
