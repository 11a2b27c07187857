import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ArtifactError } from "../../src/store/artifact-store.js";
import { FileArtifactStore } from "../../src/store/file/file-artifact-store.js";

const dirs: string[] = [];
function freshStore(): Promise<FileArtifactStore> {
  const dir = mkdtempSync(join(tmpdir(), "mlops-artifacts-"));
  dirs.push(dir);
  return FileArtifactStore.open(join(dir, ".mlops", "artifacts"));
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

async function artifactError(promise: Promise<unknown>): Promise<ArtifactError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ArtifactError) return error;
    throw error;
  }
  throw new Error("expected an ArtifactError");
}

describe("artifact store", () => {
  it("names content by its sha256 and reads it back", async () => {
    const store = await freshStore();
    const ref = await store.put("hello");
    expect(ref).toEqual({ hash: sha("hello"), size: 5 });
    expect(store.pathOf(ref.hash)).toBe(join(store.dir, ref.hash.slice(0, 2), ref.hash));
    expect((await store.get(ref.hash)).toString()).toBe("hello");
    expect(await store.put("hello")).toEqual(ref);
    const json = await store.putJson({ a: [1, 2] });
    expect(await store.getJson(json.hash)).toEqual({ a: [1, 2] });
    expect(await store.list()).toEqual([ref.hash, json.hash].sort());
    expect(await store.has(ref.hash)).toBe(true);
    expect(await store.has(sha("other"))).toBe(false);
  });

  it("detects a tampered file on every read and names it", async () => {
    const store = await freshStore();
    const { hash } = await store.put("model bytes");
    const path = store.pathOf(hash);
    writeFileSync(path, "model bytez");
    for (const read of [() => store.get(hash), () => store.verifiedPath(hash), () => store.getJson(hash), () => store.verify(hash)]) {
      const error = await artifactError(read());
      expect(error.code).toBe("corrupt");
      expect(error.path).toBe(path);
      expect(error.message).toContain(`artifact ${hash} is corrupt: ${path} has sha256 ${sha("model bytez")}`);
    }
  });

  it("reports a missing artifact with its path and rejects malformed hashes", async () => {
    const store = await freshStore();
    const hash = sha("never stored");
    const error = await artifactError(store.get(hash));
    expect(error.code).toBe("missing");
    expect(error.message).toBe(`artifact ${hash} is missing: no file ${store.pathOf(hash)}`);
    expect(() => store.pathOf("../../etc/passwd")).toThrow(/not a sha256 artifact hash/);
  });

  it("leaves nothing behind when the content stream fails mid-way", async () => {
    const store = await freshStore();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1000);
      throw new Error("source broke");
    }
    await expect(store.putStream(failing())).rejects.toThrow("source broke");
    expect(await store.list()).toEqual([]);
    expect(readdirSync(join(store.dir, "incoming"))).toEqual([]);
  });

  it("a writer killed mid-write leaves no artifact, only a temp file that opening the store removes", async () => {
    const store = await freshStore();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./support/slow-writer.ts", import.meta.url)), store.dir],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => {
      let dots = 0;
      child.stdout.on("data", (chunk: Buffer) => {
        dots += chunk.length;
        if (dots >= 20) resolve();
      });
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(await store.list()).toEqual([]);
    const temps = readdirSync(join(store.dir, "incoming"));
    expect(temps).toHaveLength(1);
    expect(temps[0]).toMatch(/^\.tmp-/);
    const reopened = await FileArtifactStore.open(store.dir);
    expect(readdirSync(join(store.dir, "incoming"))).toEqual([]);
    expect(await reopened.list()).toEqual([]);
  });
});
