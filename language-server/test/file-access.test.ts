/**
 * The language server reads files by the same rules as `mlops check`: regular files below
 * the workspace folder. An import of a secret, a device or a FIFO is a diagnostic; the
 * server neither hangs nor grows without bound, and never puts the content in a message.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./support/build-server.js";
import { LspClient } from "./support/lsp-client.js";

const SECRET = "SECRET-TOKEN-4711";
let client: LspClient;
let project: string;
let outside: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "mlops-ls-access-"));
  project = join(dir, "project");
  outside = join(dir, "outside");
  mkdirSync(project);
  mkdirSync(outside);
  writeFileSync(join(outside, "secrets.mlops"), `${SECRET}=1\n`);
  client = await LspClient.start(await buildServer(), { rootPath: project });
});
afterAll(async () => {
  await client?.stop();
});

describe("file access in the editor", () => {
  it("imports outside the workspace folder, devices and FIFOs are diagnostics, as in mlops check", async () => {
    const fifo = spawnSync("mkfifo", [join(project, "fifo.mlops")]).status === 0;
    const imports = ["/proc/self/environ", "../outside/secrets.mlops", "/dev/zero", "/dev/stdin", ...(fifo ? ["./fifo.mlops"] : [])];
    const text = `pipeline p { owner = "x" }\n${imports.map((i) => `import "${i}"\n`).join("")}`;
    const path = join(project, "main.mlops");
    writeFileSync(path, text);
    const uri = await client.open(path, text);
    const diagnostics = await client.waitForDiagnostics(uri, (p) => p.version === 1, 30_000);
    expect(diagnostics.map((d) => [d.range.start.line, d.code])).toEqual(imports.map((_, i) => [i + 1, "file-access"]));
    expect(JSON.stringify(diagnostics)).not.toContain(SECRET);
    expect(client.alive).toBe(true);
  });
});
