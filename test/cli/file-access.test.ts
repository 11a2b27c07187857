/**
 * The compiler opens only regular files below the project root, bounded in size; anything
 * else is a diagnostic that names the path and never shows the content. Nothing hangs on a
 * FIFO or a device, nothing prints a secret from outside the project.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../support/cli.js";

const PIPELINE = 'pipeline p { owner = "x" }\n';
const SECRET = "SECRET-TOKEN-4711";

interface Reported {
  file: string;
  code: string;
  message: string;
  range: { start: { line: number } };
}

function workspace(): { dir: string; project: string; outside: string } {
  const dir = mkdtempSync(join(tmpdir(), "mlops-access-"));
  const project = join(dir, "project");
  const outside = join(dir, "outside");
  mkdirSync(project);
  mkdirSync(outside);
  // a file outside the project that would be a syntax error on every line, shown in code frames
  writeFileSync(join(outside, "secrets.mlops"), `${SECRET}=1\nDB_PASSWORD=${SECRET}\n`);
  return { dir, project, outside };
}

function mkfifo(path: string): boolean {
  return spawnSync("mkfifo", [path]).status === 0;
}

function check(file: string, extra: string[] = [], cwd?: string) {
  const r = runCli(["check", "--format", "json", ...extra, file], { timeout: 30_000, ...(cwd ? { cwd } : {}) });
  return { ...r, diagnostics: r.stdout ? (JSON.parse(r.stdout) as { diagnostics: Reported[] }).diagnostics : [] };
}

describe("imports", () => {
  it("of files outside the project, devices, FIFOs, links out and folders are diagnostics that never show the content", () => {
    const { project, outside } = workspace();
    const fifo = mkfifo(join(project, "fifo.mlops"));
    symlinkSync(join(outside, "secrets.mlops"), join(project, "link.mlops"));
    mkdirSync(join(project, "folder.mlops"));
    const climbs = relative(project, "/etc/passwd");
    const imports = [
      "/proc/self/environ",
      "/etc/shadow",
      climbs,
      "/dev/zero",
      "/dev/stdin",
      "../outside/secrets.mlops",
      "./link.mlops",
      "./folder.mlops",
      ...(fifo ? ["./fifo.mlops"] : []),
    ];
    writeFileSync(join(project, "main.mlops"), PIPELINE + imports.map((i) => `import "${i}"\n`).join(""));
    const text = runCli(["check", join(project, "main.mlops")], { timeout: 30_000 });
    expect(text.status).toBe(1);
    expect(text.stdout + text.stderr).not.toContain(SECRET);
    expect(text.stdout).not.toMatch(/root:|PATH=|HOME=/);
    const r = check(join(project, "main.mlops"));
    const byLine = new Map(r.diagnostics.map((d) => [d.range.start.line, d]));
    imports.forEach((written, i) => {
      const d = byLine.get(i + 1);
      if (written === "/etc/shadow" && !existsSync("/etc/shadow")) return;
      expect(d?.code, written).toBe("file-access");
      expect(d?.message).toContain("cannot import this file");
    });
    expect(byLine.get(4)?.message).toMatch(/character device/);
    expect(byLine.get(6)?.message).toMatch(/outside the project/);
    expect(byLine.get(7)?.message).toMatch(/outside the project \(it leads to .*secrets\.mlops\)/);
    expect(byLine.get(8)?.message).toMatch(/is a folder/);
    if (fifo) expect(byLine.get(9)?.message).toMatch(/is a FIFO/);
    expect(r.diagnostics.filter((d) => d.code === "syntax-error")).toEqual([]);
  });

  it("of a folder the user allows with --allow-read are read", () => {
    const { project, outside } = workspace();
    writeFileSync(join(outside, "shared.mlops"), "param shared: int = 3\n");
    writeFileSync(join(project, "main.mlops"), `${PIPELINE}import "../outside/shared.mlops"\n`);
    expect(check(join(project, "main.mlops")).diagnostics.map((d) => d.code)).toEqual(["file-access"]);
    const allowed = check(join(project, "main.mlops"), ["--allow-read", outside]);
    expect(allowed.diagnostics.map((d) => d.code)).toEqual(["unused-declaration"]);
    expect(allowed.status).toBe(0);
  });

  it("below a folder given to the CLI are read: the folder is the project root", () => {
    const { project } = workspace();
    mkdirSync(join(project, "app"));
    mkdirSync(join(project, "lib"));
    writeFileSync(join(project, "lib", "shared.mlops"), "param shared: int = 3\n");
    writeFileSync(join(project, "app", "main.mlops"), `${PIPELINE}import "../lib/shared.mlops"\n`);
    // the file alone: its folder is the root, so ../lib is outside
    expect(check(join(project, "app", "main.mlops")).diagnostics.map((d) => d.code)).toEqual(["file-access"]);
    // the project folder: both files are inside
    expect(check(project).diagnostics.map((d) => d.code)).toEqual(["unused-declaration"]);
  });

  it("of a file larger than the limit is one diagnostic, read no further", () => {
    const { project } = workspace();
    writeFileSync(join(project, "big.mlops"), `param big: int = 1\n${"// padding\n".repeat(450_000)}`);
    writeFileSync(join(project, "main.mlops"), `${PIPELINE}import "./big.mlops"\n`);
    const r = check(join(project, "main.mlops"));
    expect(r.diagnostics.map((d) => [d.code, d.message.replace(/"[^"]*"/, "FILE")])).toEqual([
      ["file-access", "cannot import this file: FILE is 4.7 MiB; a .mlops file may be at most 4 MiB"],
    ]);
  });
});

describe("pretrained models", () => {
  const fixture = readFileSync(join(repoRoot, "test/corpus/valid/pretrained_binary.mlops"), "utf8");

  it("are read only as regular files inside the project", () => {
    for (const [path, expected] of [
      ["/dev/zero", /"\/dev\/zero" is a character device/],
      ["../outside/secrets.mlops", /outside the project/],
      ["/proc/self/environ", /outside the project/],
      ["fifo.onnx", /is a FIFO/],
    ] as const) {
      const { project } = workspace();
      if (path === "fifo.onnx" && !mkfifo(join(project, "fifo.onnx"))) continue;
      expect(fixture).toContain('"models/churn3.onnx"');
      writeFileSync(join(project, "main.mlops"), fixture.replace('"models/churn3.onnx"', JSON.stringify(path)));
      const r = check(join(project, "main.mlops"));
      expect(r.status, path).toBe(1);
      expect(r.diagnostics.map((d) => d.code)).toEqual(["file-access"]);
      expect(r.diagnostics[0]!.message).toMatch(expected);
      expect(r.stdout).not.toContain(SECRET);
    }
  });
});

describe("encodings", () => {
  it("a UTF-16 file is one invalid-encoding diagnostic, not thousands of syntax errors", () => {
    const { project } = workspace();
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(readFileSync(join(repoRoot, "examples/iris/iris.mlops"), "utf16le")),
    ]);
    writeFileSync(join(project, "iris.mlops"), utf16);
    const r = check(join(project, "iris.mlops"));
    expect(r.diagnostics.map((d) => [d.code, d.message.replace(/"[^"]*"/, "FILE")])).toEqual([
      ["invalid-encoding", "FILE is UTF-16 text; .mlops files are UTF-8"],
    ]);
  });

  it("invalid UTF-8 is one diagnostic that says where, and no plan is built", () => {
    const { project } = workspace();
    const latin1 = Buffer.from(`${PIPELINE}param city: string = "Z\u00fcrich"\n`, "latin1");
    writeFileSync(join(project, "main.mlops"), latin1);
    const r = check(join(project, "main.mlops"));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["invalid-encoding"]);
    expect(r.diagnostics[0]!.message).toMatch(/not valid UTF-8: byte 0xfc at line 2, byte 24/);
    const build = runCli(["build", join(project, "main.mlops"), "-o", join(project, "plan.json")]);
    expect(build.status).toBe(1);
    expect(existsSync(join(project, "plan.json"))).toBe(false);
  });

  it("a UTF-8 byte-order mark is allowed", () => {
    const { project } = workspace();
    writeFileSync(join(project, "main.mlops"), `\ufeff${PIPELINE}`);
    expect(check(join(project, "main.mlops")).diagnostics).toEqual([]);
  });
});
