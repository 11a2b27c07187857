import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NO_GRANTS, PathError, hashFile, resolveInput, resolveOutput } from "../../src/index.js";

const outer = mkdtempSync(join(tmpdir(), "mlops-paths-"));
const project = join(outer, "project");
mkdirSync(join(project, "data"), { recursive: true });
writeFileSync(join(project, "data/a.csv"), "x\n1\n");
writeFileSync(join(outer, "outside.csv"), "x\n2\n");
afterAll(() => rmSync(outer, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<PathError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PathError) return error;
    throw error;
  }
  throw new Error("expected a PathError");
}

describe("outputs", () => {
  it("a relative path inside the project is written where it says", async () => {
    expect(await resolveOutput(project, "out/scores.csv", NO_GRANTS, "deployment d")).toBe(join(project, "out/scores.csv"));
  });

  it("an absolute path, even one that looks harmless, and a path leading up and out are refused", async () => {
    const absolute = await refusal(resolveOutput(project, join(outer, "victim.txt"), NO_GRANTS, "deployment d"));
    expect(absolute.message).toContain(`deployment d writes ${JSON.stringify(join(outer, "victim.txt"))}: an absolute path`);
    const up = await refusal(resolveOutput(project, "out/../../victim.txt", NO_GRANTS, "deployment d"));
    expect(up.code).toBe("outside-project");
    expect(up.message).toContain("outside the project");
  });

  it("a granted directory may hold outputs, by absolute or relative path", async () => {
    const grants = { read: [], write: [join(outer, "exports")] };
    expect(await resolveOutput(project, join(outer, "exports/s.csv"), grants, "d")).toBe(join(outer, "exports/s.csv"));
    expect(await resolveOutput(project, "../exports/s.csv", grants, "d")).toBe(join(outer, "exports/s.csv"));
  });

  it("a link on the way out of the project is refused; a directory in place of the file too", async () => {
    symlinkSync(outer, join(project, "up"));
    const link = await refusal(resolveOutput(project, "up/new/s.csv", NO_GRANTS, "d"));
    expect(link.message).toContain(`leads outside the project through a link (to ${join(outer, "new/s.csv")})`);
    mkdirSync(join(project, "adir"));
    expect((await refusal(resolveOutput(project, "adir", NO_GRANTS, "d"))).code).toBe("not-a-file");
  });
});

describe("inputs", () => {
  it("a regular file inside the project resolves to its real path", async () => {
    expect(await resolveInput(project, "data/a.csv", NO_GRANTS, "source s")).toBe(join(project, "data/a.csv"));
  });

  it("a file outside the project, directly or through a link, needs a read grant", async () => {
    expect((await refusal(resolveInput(project, "../outside.csv", NO_GRANTS, "source s"))).message).toContain(
      "../outside.csv is outside the project",
    );
    symlinkSync(join(outer, "outside.csv"), join(project, "data/link.csv"));
    const linked = await refusal(resolveInput(project, "data/link.csv", NO_GRANTS, "source s"));
    expect(linked.message).toContain(`data/link.csv (through a link to ${join(outer, "outside.csv")}) is outside the project`);
    expect(await resolveInput(project, "data/link.csv", { read: [outer], write: [] }, "source s")).toBe(join(outer, "outside.csv"));
  });

  it("devices, FIFOs and directories are not inputs, and hashing one fails at once", async () => {
    const device = await refusal(resolveInput(project, "/dev/zero", { read: ["/dev"], write: [] }, "source s"));
    expect(device.message).toBe("/dev/zero is not a regular file (a device); source s reads regular files only");
    execFileSync("mkfifo", [join(project, "data/pipe")]);
    expect((await refusal(resolveInput(project, "data/pipe", NO_GRANTS, "source s"))).message).toContain("(a FIFO)");
    expect((await refusal(resolveInput(project, "data", NO_GRANTS, "source s"))).message).toContain("(a directory)");
    await expect(hashFile("/dev/zero")).rejects.toThrow("/dev/zero is not a regular file");
    await expect(hashFile(join(project, "data/pipe"))).rejects.toThrow("is not a regular file");
  });

  it("a missing file says so", async () => {
    const missing = await refusal(resolveInput(project, "data/none.csv", NO_GRANTS, "source s"));
    expect(missing).toMatchObject({ code: "no-such-file", message: "data/none.csv: no such file (source s reads it)" });
  });
});
