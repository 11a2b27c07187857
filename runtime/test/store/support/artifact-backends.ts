/**
 * The artifact store suite runs against the file store and an S3 store on a real S3 HTTP server
 * (`s3rver`, started by the tests on 127.0.0.1). Each backend can also reach behind the store to
 * damage or delete an object, as a disk error or a careless operator would.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe } from "vitest";
import { startS3, type S3Server } from "../../../../test/support/s3-server.js";
import type { ArtifactStore } from "../../../src/store/artifact-store.js";
import { FileArtifactStore } from "../../../src/store/file/file-artifact-store.js";
import { S3ArtifactStore } from "../../../src/store/s3/s3-artifact-store.js";
import { s3ClientConfig, s3SettingsFromEnv } from "../../../src/store/s3/s3-client-config.js";

export interface ArtifactBackend {
  name: "file" | "s3";
  open(): Promise<ArtifactStore>;
  /** Replaces the stored object's bytes behind the store's back. */
  damage(store: ArtifactStore, hash: string, content: string): Promise<void>;
  remove(store: ArtifactStore, hash: string): Promise<void>;
  /** Where the object lives, as the store's messages name it. */
  where(store: ArtifactStore, hash: string): string;
}

export function describeArtifactBackends(title: string, body: (backend: ArtifactBackend) => void): void {
  describe(`${title} [file]`, () => {
    const dirs: string[] = [];
    afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
    const path = (store: ArtifactStore, hash: string) => (store as FileArtifactStore).pathOf(hash);
    body({
      name: "file",
      open: async () => {
        const dir = mkdtempSync(join(tmpdir(), "mlops-artifacts-"));
        dirs.push(dir);
        return FileArtifactStore.open(join(dir, "artifacts"));
      },
      damage: async (store, hash, content) => writeFileSync(path(store, hash), content),
      remove: async (store, hash) => rmSync(path(store, hash)),
      where: path,
    });
  });
  describe(`${title} [s3]`, () => {
    let server: S3Server;
    let raw: S3Client;
    let prefixes = 0;
    beforeAll(async () => {
      server = await startS3(["artifacts"]);
      raw = new S3Client(s3ClientConfig(s3SettingsFromEnv(server.env)));
    });
    afterAll(async () => {
      raw?.destroy();
      await server?.stop();
    });
    const key = (store: ArtifactStore, hash: string) => (store as S3ArtifactStore).keyOf(hash);
    body({
      name: "s3",
      open: () => S3ArtifactStore.open("artifacts", `team/run${++prefixes}`, s3SettingsFromEnv(server.env)),
      damage: async (store, hash, content) => {
        await raw.send(new PutObjectCommand({ Bucket: "artifacts", Key: key(store, hash), Body: content }));
      },
      remove: async (store, hash) => {
        await raw.send(new DeleteObjectCommand({ Bucket: "artifacts", Key: key(store, hash) }));
      },
      where: (store, hash) => `s3://artifacts/${key(store, hash)}`,
    });
  });
}
