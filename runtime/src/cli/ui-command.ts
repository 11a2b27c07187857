import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { UsageError, type Command } from "@mlops/compiler/cli-core";
import { startUi } from "../ui/server.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";

const usage = `usage: mlops ui [--project DIR] [--port 5180] [--host 127.0.0.1]

A local web UI over the project's runs and registry: the runs table (sort,
filter, select to compare), each run with its pictures, runs side by side with
their differences marked (and a search's metric against its hyperparameters),
models with versions, aliases and audit trail, the lineage from data to
deployments, and the monitors' history. Read-only; nothing is fetched from the
network. Ctrl-C stops it.

  --project DIR   the project whose .mlops/ it shows (default: the current directory)
  --port N        port to listen on (default 5180; 0 picks a free one)
  --host ADDR     address to listen on (default 127.0.0.1; anything else makes
                  the runs readable from other machines)
${STORE_USAGE}`;

export const uiCommand: Command = {
  name: "ui",
  summary: "browse runs, comparisons, models, lineage and monitors in a local web UI",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: false,
      options: { project: { type: "string" }, port: { type: "string" }, host: { type: "string" }, ...STORE_OPTIONS },
    });
    void positionals;
    const port = values.port === undefined ? 5180 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected 0..65535, got ${values.port}`);
    const project = resolve(io.cwd, values.project ?? ".");
    const stores = await openCommandStores(values, io, project, { existing: true });
    if (!stores) return 1;
    let server: Awaited<ReturnType<typeof startUi>>;
    try {
      server = await startUi({
        stores,
        project: stores.metadata.location,
        port,
        ...(values.host ? { host: values.host } : {}),
        onError: (error) => io.stderr(`mlops ui: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
      });
    } catch (error) {
      await stores.close();
      const code = (error as { code?: string }).code;
      if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
        io.stderr(`mlops ui: cannot listen on ${values.host ?? "127.0.0.1"}:${port} (${code}); pick another --port\n`);
        return 1;
      }
      throw error;
    }
    if (values.host && !["127.0.0.1", "localhost", "::1"].includes(values.host))
      io.stderr(`mlops ui: listening on ${values.host}: anyone who can reach this address can read the runs\n`);
    io.stdout(`mlops ui: ${server.url} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolveStop) => {
      process.once("SIGINT", () => resolveStop());
      process.once("SIGTERM", () => resolveStop());
    });
    await server.close();
    await stores.close();
    return 0;
  },
};
