/** The stores of an existing project (`--project DIR`, default the current directory) for models/runs. */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CliIO } from "@mlops/compiler/cli";
import { MetadataStore } from "../store/metadata-store.js";

export function openProjectMetadata(project: string | undefined, io: CliIO): MetadataStore | undefined {
  const root = resolve(io.cwd, project ?? ".");
  const path = join(root, ".mlops", "metadata.db");
  if (!existsSync(path)) {
    io.stderr(`no .mlops/metadata.db in ${root} (run \`mlops run\` there first, or pass --project DIR)\n`);
    return undefined;
  }
  return MetadataStore.open(path);
}
