import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ArtifactError, type ArtifactStore } from "../../src/store/artifact-store.js";
import { FileArtifactStore } from "../../src/store/file/file-artifact-store.js";
import { PART_SIZE, S3ArtifactStore } from "../../src/store/s3/s3-artifact-store.js";
import { describeArtifactBackends } from "./support/artifact-backends.js";

const sha = (content: string | Uint8Array) => createHash("sha256").update(content).digest("hex");

async function artifactError(promise: Promise<unknown>): Promise<ArtifactError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ArtifactError) return error;
    throw error;
  }
  throw new Error("expected an ArtifactError");
}

async function drain(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Deterministic bytes that do not compress to nothing. */
function bytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describeArtifactBackends("artifact store", (backend) => {
  it("names content by its sha256 and reads it back, whole or streamed", async () => {
    const store = await backend.open();
    const ref = await store.put("hello");
    expect(ref).toEqual({ hash: sha("hello"), size: 5 });
    expect((await store.get(ref.hash)).toString()).toBe("hello");
    expect((await drain(store.stream(ref.hash))).toString()).toBe("hello");
    expect(await store.put("hello")).toEqual(ref);
    const json = await store.putJson({ a: [1, 2] });
    expect(await store.getJson(json.hash)).toEqual({ a: [1, 2] });
    expect(await store.list()).toEqual([ref.hash, json.hash].sort());
    expect(await store.has(ref.hash)).toBe(true);
    expect(await store.has(sha("other"))).toBe(false);
    await store.close();
  });

  it("detects damaged content on every read and names where it is", async () => {
    const store = await backend.open();
    const { hash } = await store.put("model bytes");
    await backend.damage(store, hash, "model bytez");
    const where = backend.where(store, hash);
    for (const read of [() => store.get(hash), () => store.getJson(hash), () => store.verify(hash), () => drain(store.stream(hash))]) {
      const error = await artifactError(read());
      expect(error.code).toBe("corrupt");
      expect(error.path).toBe(where);
      expect(error.message).toContain(`artifact ${hash} is corrupt: ${where} has sha256 ${sha("model bytez")}`);
    }
    // writing the same content again repairs it (an intact object is never replaced)
    await store.put("model bytes");
    expect((await store.get(hash)).toString()).toBe("model bytes");
  });

  it("reports a missing artifact with its location and rejects malformed hashes", async () => {
    const store = await backend.open();
    const { hash } = await store.put("soon gone");
    await backend.remove(store, hash);
    const error = await artifactError(store.get(hash));
    expect(error.code).toBe("missing");
    expect(error.message).toBe(
      `artifact ${hash} is missing: no ${backend.name === "file" ? "file" : "object"} ${backend.where(store, hash)}`,
    );
    expect((await artifactError(store.verify(hash))).code).toBe("missing");
    expect((await artifactError(store.get("../../etc/passwd"))).code).toBe("invalid-hash");
  });

  it("leaves nothing behind when the content stream fails mid-way", async () => {
    const store = await backend.open();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1000);
      throw new Error("source broke");
    }
    await expect(store.putStream(failing())).rejects.toThrow("source broke");
    expect(await store.list()).toEqual([]);
  });

  it("stores content larger than one part (multipart on S3) and streams it back in chunks", { timeout: 120_000 }, async () => {
    const store = await backend.open();
    const content = bytes(PART_SIZE * 2 + 12_345);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < content.length; at += 1 << 20) yield content.subarray(at, at + (1 << 20));
    }
    const ref = await store.putStream(chunks());
    expect(ref).toEqual({ hash: sha(content), size: content.length });
    let pieces = 0;
    const hasher = createHash("sha256");
    for await (const chunk of store.stream(ref.hash)) {
      pieces++;
      hasher.update(chunk);
    }
    expect(pieces).toBeGreaterThan(1);
    expect(hasher.digest("hex")).toBe(ref.hash);
  });
});

describe("S3 artifact store specifics", () => {
  it("does not upload content that is already stored intact (put-if-absent)", async () => {
    const { startS3 } = await import("../../../test/support/s3-server.js");
    const { s3SettingsFromEnv } = await import("../../src/store/s3/s3-client-config.js");
    const server = await startS3(["bucket"]);
    try {
      const store = await S3ArtifactStore.open("bucket", "", s3SettingsFromEnv(server.env));
      const content = bytes(50_000);
      await store.put(content);
      const before = store.requests;
      expect(await store.put(content)).toEqual({ hash: sha(content), size: content.length });
      expect(store.requests - before).toBe(1); // one HEAD, no PUT
      expect(store.location).toBe("s3://bucket");
      expect(store.keyOf(sha(content))).toBe(`${sha(content).slice(0, 2)}/${sha(content)}`);
      await store.close();
    } finally {
      await server.stop();
    }
  });
});

describe("file artifact store specifics", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  async function freshStore(): Promise<FileArtifactStore> {
    const dir = mkdtempSync(join(tmpdir(), "mlops-artifacts-"));
    dirs.push(dir);
    return FileArtifactStore.open(join(dir, ".mlops", "artifacts"));
  }

  it("keeps objects at artifacts/<2 hex>/<sha256> and hands readers a verified path", async () => {
    const store: ArtifactStore & FileArtifactStore = await freshStore();
    const { hash } = await store.put("onnx");
    expect(store.pathOf(hash)).toBe(join(store.dir, hash.slice(0, 2), hash));
    expect(await store.verifiedPath(hash)).toBe(store.pathOf(hash));
    expect(() => store.pathOf("../../etc/passwd")).toThrow(/not a sha256 artifact hash/);
    expect(readdirSync(join(store.dir, "incoming"))).toEqual([]);
  });

  it("verify remembers intact objects by stat, and still finds one rewritten in place with its mtime restored", async () => {
    const store = await freshStore();
    const { hash } = await store.put("model bytes");
    const path = store.pathOf(hash);
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path, hourAgo, hourAgo); // older than the racy window: remembered once verified
    await store.verify(hash);
    await store.close();
    expect(Object.keys(JSON.parse(readFileSync(join(store.dir, "verified.json"), "utf8")))).toEqual([path]);

    chmodSync(path, 0o644);
    writeFileSync(path, "model bytez");
    utimesSync(path, hourAgo, hourAgo);
    const reopened = await FileArtifactStore.open(store.dir);
    const error = await artifactError(reopened.verify(hash));
    expect(error.code).toBe("corrupt");
    expect(error.message).toContain(path);
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
