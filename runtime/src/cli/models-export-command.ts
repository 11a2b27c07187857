/** `mlops models export NAME[@alias|:version] -o DIR|s3://BUCKET/PREFIX`: the model graph and its model card. */
import { relative, resolve } from "node:path";
import { UsageError, type CliIO } from "@mlops/compiler/cli-core";
import { exportDestination } from "../export/export-destination.js";
import { ExportError, exportModel, parseModelRef } from "../export/export-model.js";
import { openCommandStores } from "./store-options.js";

export async function exportModelCommand(
  target: string,
  options: { output?: string; project?: string; json?: boolean; "artifact-store"?: string; database?: string },
  io: CliIO,
): Promise<number> {
  if (!options.output) throw new UsageError("models export needs -o DIR or -o s3://BUCKET/PREFIX (where model.onnx and the model card go)");
  let ref;
  try {
    ref = parseModelRef(target);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let destination;
  try {
    destination = exportDestination(options.output, io.cwd, io.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const stores = await openCommandStores(options, io, resolve(io.cwd, options.project ?? "."), { existing: true });
  if (!stores) return 1;
  try {
    const result = await exportModel(stores, ref, destination);
    if (options.json) {
      io.stdout(`${JSON.stringify({ model: result.version.model, version: result.version.version, files: result.files }, null, 2)}\n`);
    } else {
      const shown = result.files.map((f) => (f.startsWith("s3://") ? f : relative(io.cwd, f) || f));
      io.stdout(`exported ${result.version.model} v${result.version.version}: ${shown.join(", ")}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ExportError) {
      io.stderr(`mlops models export: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await stores.close();
  }
}
