import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Every file left under a project's `.mlops/work/` (an external trainer's copies while its step runs). */
export function workFiles(dir: string): string[] {
  const work = join(dir, ".mlops", "work");
  return existsSync(work)
    ? readdirSync(work, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];
}
