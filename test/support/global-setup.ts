import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** CLI tests spawn the built `mlops`; make sure dist/ matches the sources (incremental, fast when current). */
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url)), "-b"], {
    cwd: root,
    stdio: "inherit",
  });
}
