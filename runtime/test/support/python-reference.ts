/**
 * Cross-checks against scikit-learn / scipy through Debian's `/usr/bin/python3`.
 * Tests that use it skip (with a message) when the modules cannot be imported.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requiredInCi } from "../../../test/support/required-in-ci.js";

export const PYTHON = "/usr/bin/python3";

export function pythonHas(modules: string[], purpose: string): boolean {
  const ok = spawnSync(PYTHON, ["-c", `import ${modules.join(", ")}`], { stdio: "ignore" }).status === 0;
  return requiredInCi(ok, `${purpose}: ${PYTHON} with ${modules.join(", ")}`, "apt-get install -y python3-sklearn python3-scipy");
}

/** Writes each array as a raw little-endian float64 file; the script gets the paths as sys.argv[1:]. */
export function runPython(script: string, arrays: ArrayLike<number>[]): unknown {
  const dir = mkdtempSync(join(tmpdir(), "mlops-pyref-"));
  const paths = arrays.map((values, index) => {
    const path = join(dir, `a${index}.f64`);
    writeFileSync(path, new Uint8Array(Float64Array.from(values).buffer));
    return path;
  });
  const prelude = "import sys, json, numpy as np\nargs = [np.fromfile(p, dtype='<f8') for p in sys.argv[1:]]\n";
  const out = execFileSync(PYTHON, ["-W", "ignore", "-c", prelude + script, ...paths], { encoding: "utf8", maxBuffer: 64 << 20 });
  return JSON.parse(out);
}
