/**
 * A real S3 HTTP API for tests and benchmarks: `s3rver` on 127.0.0.1 (a free port), its files in a
 * temp dir, with the buckets asked for. The AWS SDK talks to it over HTTP with signed requests
 * exactly as it would to AWS (access key and secret `S3RVER`). `stop()` closes it and removes the dir.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export interface S3Server {
  endpoint: string;
  /** The environment a process needs to reach it (`AWS_*` variables, path-style addressing). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3(buckets: string[]): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), "mlops-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      MLOPS_S3_FORCE_PATH_STYLE: "true",
    },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
