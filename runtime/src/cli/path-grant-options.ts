/** `--allow-read DIR` / `--allow-write DIR` (and MLOPS_ALLOW_READ / MLOPS_ALLOW_WRITE): what a run may touch outside the project. */
import { delimiter, resolve } from "node:path";
import type { CliIO } from "@mlops/compiler/cli-core";
import type { PathGrants } from "../files/project-paths.js";

/** parseArgs options every command that runs steps accepts. */
export const PATH_GRANT_OPTIONS = {
  "allow-read": { type: "string", multiple: true },
  "allow-write": { type: "string", multiple: true },
} as const;

export const PATH_GRANT_USAGE = `  --allow-read DIR   sources (and pretrained models) may be read from DIR outside the project; repeatable
                     (also MLOPS_ALLOW_READ, a ${delimiter}-separated list)
  --allow-write DIR  outputs (batch scores, external trainer models) may be written under DIR; repeatable
                     (also MLOPS_ALLOW_WRITE)`;

/** The grants from the flags and the environment, as absolute directories (relative ones from the working directory). */
export function pathGrants(values: { "allow-read"?: string[]; "allow-write"?: string[] }, io: Pick<CliIO, "cwd" | "env">): PathGrants {
  const list = (flags: string[] | undefined, variable: string): string[] =>
    [...(flags ?? []), ...(io.env[variable] ?? "").split(delimiter)].filter((dir) => dir !== "").map((dir) => resolve(io.cwd, dir));
  return { read: list(values["allow-read"], "MLOPS_ALLOW_READ"), write: list(values["allow-write"], "MLOPS_ALLOW_WRITE") };
}
