import { count } from "@mlops/compiler/core";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { UsageError, type Command, type CliIO } from "@mlops/compiler/cli-core";
import { RegistryError, type ModelRegistry } from "../store/model-registry.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";
import { exportModelCommand } from "./models-export-command.js";

const usage = `usage: mlops models list [--project DIR] [--json]
       mlops models show NAME [--project DIR] [--json]
       mlops models promote NAME VERSION [--alias production] [--reason TEXT] [--project DIR]
       mlops models rollback NAME [--alias production] [--reason TEXT] [--project DIR]
       mlops models export NAME[@ALIAS|:VERSION] -o DIR|s3://BUCKET/PREFIX [--project DIR] [--json]

The model registry of a project (default: the current directory): versions,
aliases (production, staging...), their metrics and lineage, and the audit trail
of every registration, promotion and rollback. \`export\` writes a version's model
graph (raw columns in, prediction out) as DIR/model.onnx with its model card
(model-card.md, model-card.json); without @ALIAS or :VERSION it takes production,
else the latest version. -o s3://BUCKET/PREFIX writes them to an S3-compatible
object store (the AWS_* settings, as for the artifact store): the folder a KServe
InferenceService's storageUri names.

${STORE_USAGE}`;

export const modelsCommand: Command = {
  name: "models",
  summary: "list, show, promote and roll back registered model versions",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        project: { type: "string" },
        json: { type: "boolean" },
        alias: { type: "string" },
        reason: { type: "string" },
        ...STORE_OPTIONS,
        output: { type: "string", short: "o" },
      },
    });
    const [action, name, version] = positionals;
    if (!action || !["list", "show", "promote", "rollback", "export"].includes(action))
      throw new UsageError("expected list, show NAME, promote NAME VERSION, rollback NAME or export NAME -o DIR");
    if (action !== "list" && !name) throw new UsageError(`models ${action} needs a model NAME`);
    if (action === "export") return exportModelCommand(name!, values, io);
    // `v2` as the registry prints it, or `2`
    const versionNumber = version === undefined ? undefined : /^v?(\d+)$/i.exec(version)?.[1];
    if (action === "promote" && versionNumber === undefined)
      throw new UsageError(
        `models promote needs NAME and a VERSION (2 or v2)${version === undefined ? "" : `, not ${JSON.stringify(version)}`}`,
      );
    const stores = await openCommandStores(values, io, resolve(io.cwd, values.project ?? "."), { existing: true });
    if (!stores) return 1;
    try {
      const registry = stores.metadata.registry;
      const alias = values.alias ?? "production";
      const reason = values.reason ? { reason: values.reason } : {};
      switch (action) {
        case "list":
          return await list(registry, io, values.json === true);
        case "show":
          return await show(registry, name!, io, values.json === true);
        case "promote": {
          const change = await registry.promote(name!, Number(versionNumber), alias, reason);
          io.stdout(
            `${name} v${change.version} is now ${alias}${change.previousVersion !== null ? ` (was v${change.previousVersion})` : ""}\n`,
          );
          return 0;
        }
        default: {
          const change = await registry.rollback(name!, alias, reason);
          io.stdout(`${name} ${alias} rolled back to v${change.version} (was v${change.previousVersion})\n`);
          return 0;
        }
      }
    } catch (error) {
      if (error instanceof RegistryError) {
        io.stderr(`mlops models: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      await stores.close();
    }
  },
};

async function list(registry: ModelRegistry, io: CliIO, json: boolean): Promise<number> {
  const models = await registry.listModels();
  if (json) {
    io.stdout(`${JSON.stringify(models, null, 2)}\n`);
    return 0;
  }
  if (models.length === 0) {
    io.stdout("no registered models\n");
    return 0;
  }
  const rows = models.map((m) => [
    m.name,
    String(m.versions),
    m.latestVersion === null ? "-" : `v${m.latestVersion}`,
    Object.entries(m.aliases)
      .map(([a, v]) => `${a}=v${v}`)
      .join(", "),
  ]);
  io.stdout(table(["model", "versions", "latest", "aliases"], rows));
  return 0;
}

async function show(registry: ModelRegistry, name: string, io: CliIO, json: boolean): Promise<number> {
  const details = await registry.showModel(name);
  if (json) {
    io.stdout(`${JSON.stringify(details, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `model ${details.name}: ${count(details.versions, "version")}; aliases ${
      Object.entries(details.aliases)
        .map(([a, v]) => `${a}=v${v}`)
        .join(", ") || "none"
    }`,
    "",
  ];
  const rows = details.versionList.map((v) => [
    `v${v.version}`,
    v.aliases.join(",") || "-",
    v.createdAt.replace("T", " ").slice(0, 19),
    v.createdBy,
    v.artifactHash.slice(0, 12),
    trainedWith(v.lineage),
    keyMetrics(v.metrics),
  ]);
  lines.push(table(["version", "aliases", "created", "by", "model", "hyperparameters", "metrics"], rows).trimEnd(), "", "audit:");
  for (const a of details.audit) {
    lines.push(
      `  ${a.at.replace("T", " ").slice(0, 19)}  ${a.user}  ${a.action}${a.version !== null ? ` v${a.version}` : ""}${a.alias ? ` as ${a.alias}` : ""}${a.reason ? ` — ${a.reason}` : ""}`,
    );
  }
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}

/** `logistic_regression epochs=200 l2=0.001 ...` (and the search that picked it), from what register recorded. */
function trainedWith(lineage: Record<string, unknown>): string {
  const hp = lineage.hyperparameters as Record<string, unknown> | undefined;
  if (!hp) return String(lineage.trainer ?? "-");
  const { trainer, ...rest } = hp;
  const text = [String(trainer), ...Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`)].join(
    " ",
  );
  const search = lineage.search as { candidates?: number; metric?: string } | undefined;
  return search ? `${text} (best of ${search.candidates} by ${search.metric})` : text;
}

const SHOWN = ["auc", "recall", "accuracy", "macro_f1", "r2", "rmse", "latency_p95"];

function keyMetrics(metrics: Record<string, number | null>): string {
  return SHOWN.filter((k) => metrics[k] !== undefined && metrics[k] !== null)
    .map((k) => `${k} ${Number(metrics[k]!.toPrecision(4))}`)
    .join(", ");
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd();
  return `${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`;
}
