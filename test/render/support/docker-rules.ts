import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { validate } from "dockerfile-utils";

/** JSON-array arguments of an exec-form instruction (CMD, HEALTHCHECK CMD ...), decoded, or null for shell form. */
export function execFormArgs(instruction: Instruction): string[] | null {
  const text = instruction.getArgumentsContent() ?? "";
  const json = text.replace(/^(--\S+\s+)*CMD\s+/, "");
  if (!json.trim().startsWith("[")) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === "string") ? parsed : null;
  } catch {
    return null;
  }
}

/** dockerfile-utils diagnostics plus hadolint-style rules; returns the problems found. */
export function dockerfileProblems(content: string): string[] {
  const problems = validate(content).map((d) => `dockerfile-utils: ${d.message} (line ${d.range.start.line + 1})`);
  const dockerfile = DockerfileParser.parse(content);
  const instructions = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  if (froms.length < 2) problems.push("not a multi-stage build");
  for (const from of froms) {
    const image = from.getImageName() ?? "";
    const tag = from.getImageTag();
    if (!tag && !from.getImageDigest()) problems.push(`DL3006: FROM ${image} has no tag`);
    if (tag === "latest") problems.push(`DL3007: FROM ${image}:latest`);
    if (/alpine/.test(`${image}:${tag ?? ""}`)) problems.push("musl base image: onnxruntime-node needs glibc");
  }
  const users = instructions.filter((i) => i.getKeyword() === "USER");
  const lastUser = users.at(-1)?.getArgumentsContent() ?? "";
  if (!/^[1-9][0-9]*(:[0-9]+)?$/.test(lastUser)) problems.push(`DL3002: last USER must be a numeric non-root uid, got '${lastUser}'`);
  const cmds = dockerfile.getCMDs();
  if (cmds.length !== 1) problems.push(`expected one CMD, found ${cmds.length}`);
  for (const cmd of cmds) if (!execFormArgs(cmd)) problems.push("DL3025: CMD must use the exec (JSON) form");
  const healthchecks = dockerfile.getHEALTHCHECKs();
  if (healthchecks.length !== 1) problems.push("HEALTHCHECK missing");
  for (const hc of healthchecks) if (!execFormArgs(hc)) problems.push("HEALTHCHECK CMD must use the exec form");
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArgumentsContent() ?? "";
    if (keyword === "ADD") problems.push("DL3020: use COPY instead of ADD");
    if (keyword === "WORKDIR" && !args.startsWith("/")) problems.push("DL3000: WORKDIR must be absolute");
    if (keyword === "RUN" && /(^|&&|;)\s*cd\s/.test(args)) problems.push("DL3003: use WORKDIR, not cd");
    if (keyword === "RUN" && /\bsudo\b/.test(args)) problems.push("DL3004: sudo");
    if (keyword === "RUN" && /npm (install|i)\b/.test(args)) problems.push("use npm ci");
  }
  const npmCi = instructions.findIndex((i) => i.getKeyword() === "RUN" && /npm ci\b.*--omit=dev/.test(i.getArgumentsContent() ?? ""));
  if (npmCi < 0) problems.push("no `npm ci --omit=dev`");
  const skip = instructions.findIndex(
    (i) => i.getKeyword() === "ENV" && /ONNXRUNTIME_NODE_INSTALL=skip/.test(i.getArgumentsContent() ?? ""),
  );
  if (skip < 0 || skip > npmCi) problems.push("ONNXRUNTIME_NODE_INSTALL=skip must be set before npm ci");
  return problems;
}
