import { parseArgs } from "node:util";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { compilationInputs, displayPath } from "../inputs.js";
import { compile } from "../compile.js";
import { printDiagnostics, type DiagnosticsFormat } from "../print-diagnostics.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { LineMap } from "../../syntax/line-map.js";

const usage = `usage: mlops check [--format text|json|sarif] [--env NAME] FILE|DIR...

Type-checks each FILE (with what it imports) and each DIR (one program over
every .mlops file in it). Exit 0 without errors (warnings allowed), 1 with
errors, 2 for a usage error.`;

export const checkCommand: Command = {
  name: "check",
  summary: "type-check .mlops files",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: "string", default: "text" }, env: { type: "string" } },
    });
    const format = values.format as DiagnosticsFormat;
    if (!["text", "json", "sarif"].includes(format)) throw new UsageError(`unknown format '${values.format}' (text, json or sarif)`);
    if (positionals.length === 0) throw new UsageError("no FILE or DIR given");
    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, LineMap>();
    let fileCount = 0;
    for (const input of compilationInputs(positionals, io.cwd)) {
      const { program } = compile(input, values.env, io.allowRead);
      fileCount += program.files().filter((f) => !f.isStdlib).length + program.rootFiles.filter((root) => !program.file(root)).length;
      for (const file of program.files()) sources.set(file.path, file.lineMap);
      diagnostics.push(...program.diagnostics());
    }
    printDiagnostics(diagnostics, format, io, {
      fileCount,
      source: (file) => sources.get(file),
      displayPath: (file) => displayPath(file, io.cwd),
    });
    return hasErrors(diagnostics) ? 1 : 0;
  },
};
