/**
 * The entry of the bundled CLI (`dist/bundle/mlops.js`, made by `scripts/bundle-cli.mjs` after
 * `tsc -b`; `compiler/bin/mlops.js` prefers it while it is as new as both packages' builds): the
 * compiler's `main` with this package's commands imported statically, so the bundle holds one copy
 * of every module of both packages and a command loads a few files instead of ~100 modules.
 */
import { main } from "@mlops/compiler/cli-main";

export function runCli(argv: string[]): Promise<number> {
  return main(argv, undefined, () => import("./index.js"));
}
