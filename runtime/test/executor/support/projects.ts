/** Test projects: a copy of an example in a temp folder (so `.mlops/` never lands in the repo), and the CLI in-process. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../../../compiler/src/cli/main.js";

export const REPO = fileURLToPath(new URL("../../../../", import.meta.url));

const made: string[] = [];

export function copyExample(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mlops-${name}-`));
  cpSync(join(REPO, "examples", name), dir, { recursive: true, filter: (src) => !/[\\/](\.mlops|out)$/.test(src) });
  made.push(dir);
  return dir;
}

export function removeProjects(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Replaces `from` by `to` in a project file (the edit must apply). */
export function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file}: ${String(from)} not found`);
  writeFileSync(path, next);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function mlops(args: string[], cwd = REPO, env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, cwd, env });
  return { code, stdout, stderr };
}
