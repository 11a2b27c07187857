import { existsSync, readFileSync, statSync } from "node:fs";
import { writeFileAtomic } from "../write-atomic.js";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { displayPath, mlopsFilesIn } from "../inputs.js";
import { format } from "../../format/format.js";
import { formatDiagnosticText } from "../../diagnostics/format-text.js";

const usage = `usage: mlops fmt [--check] FILE|DIR...

Rewrites each FILE, and every .mlops file below each DIR, in the canonical
layout (comments kept, meaning unchanged) and lists the files it changed.
Files with syntax errors are left alone and their errors printed. With
--check nothing is written: the files that would change are listed. Exit 0
when all is formatted, 1 when --check found files to change or a file has
syntax errors, 2 for a usage error.`;

export const fmtCommand: Command = {
  name: "fmt",
  summary: "format .mlops files in the canonical layout",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { check: { type: "boolean", default: false } } });
    if (positionals.length === 0) throw new UsageError("no FILE or DIR given");
    const files = positionals.flatMap((arg) => filesOf(arg, io.cwd));
    let failed = false;
    for (const file of files) {
      const shown = displayPath(file, io.cwd);
      const text = readFileSync(file, "utf8");
      const result = format(text, file);
      if (result.diagnostics.length > 0) {
        failed = true;
        const color = io.isTTY && io.env.NO_COLOR === undefined;
        for (const d of result.diagnostics)
          io.stderr(`${formatDiagnosticText(d, text, { color, displayPath: (f) => displayPath(f, io.cwd) })}\n\n`);
        continue;
      }
      if (!result.changed) continue;
      if (values.check) failed = true;
      else writeFileAtomic(file, result.text);
      io.stdout(`${shown}\n`);
    }
    return failed ? 1 : 0;
  },
};

function filesOf(arg: string, cwd: string): string[] {
  const absolute = resolve(cwd, arg);
  if (!existsSync(absolute)) throw new UsageError(`no such file or directory: ${arg}`);
  if (!statSync(absolute).isDirectory()) return [absolute];
  const files = mlopsFilesIn(absolute);
  if (files.length === 0) throw new UsageError(`no .mlops files in ${arg}`);
  return files;
}
