import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./cli.js";

export interface ExampleCopy {
  /** A temp folder holding only the project (files "beside the project" go here). */
  outer: string;
  /** The project: a copy of the example without its `.mlops/` state or outputs. */
  dir: string;
  /** Replaces `from` by `to` in a project file; the edit must apply. */
  edit(file: string, from: string | RegExp, to: string): void;
  remove(): void;
}

export function copyExample(name: string): ExampleCopy {
  const outer = mkdtempSync(join(tmpdir(), `mlops-${name}-`));
  const dir = join(outer, "project");
  mkdirSync(dir);
  cpSync(join(repoRoot, "examples", name), dir, { recursive: true, filter: (src) => !/[\\/](\.mlops|out|rendered)$/.test(src) });
  return {
    outer,
    dir,
    edit(file, from, to) {
      const path = join(dir, file);
      const text = readFileSync(path, "utf8");
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit of ${file}: ${String(from)} not found`);
      writeFileSync(path, next);
    },
    remove: () => rmSync(outer, { recursive: true, force: true }),
  };
}
