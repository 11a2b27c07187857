/**
 * Which failures another attempt may fix (`isTransient`), on real errors: a refused connection, a
 * PostgreSQL session killed by the server, an S3 error the store answers, and the runtime's own
 * failures; and `runAttempts` retrying a step whose first attempt lost its connection.
 */
import { connect } from "node:net";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable, startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { startS3, type S3Server } from "../../../test/support/s3-server.js";
import { isTransient, runAttempts, StepTimeout } from "../../src/executor/step-attempts.js";
import { StepFailure, TransientStepFailure } from "../../src/executor/step-context.js";
import { s3ClientConfig, s3SettingsFromEnv } from "../../src/store/s3/s3-client-config.js";

/** The error of connecting to a port nothing listens on. */
function refusedConnection(): Promise<Error> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: 1 });
    socket.on("error", resolve);
  });
}

describe("isTransient", () => {
  it("takes a refused connection, also as the cause of another error, as transient", async () => {
    const refused = await refusedConnection();
    expect((refused as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    expect(isTransient(refused)).toBe(true);
    expect(isTransient(new Error("writing the model failed", { cause: refused }))).toBe(true);
  });

  it("takes timeouts and failed external trainers as transient, a step's verdict and plain errors not", () => {
    expect(isTransient(new StepTimeout("train.m", 1000))).toBe(true);
    expect(isTransient(new TransientStepFailure("`python train.py` exited with 1"))).toBe(true);
    expect(isTransient(new StepFailure("gate release failed: auc 0.71 < 0.80"))).toBe(false);
    expect(isTransient(new Error("step train.m did not write model"))).toBe(false);
    expect(isTransient("not an error")).toBe(false);
  });

  describe("on the stores' own errors", () => {
    let s3: S3Server;
    beforeAll(async () => {
      s3 = await startS3(["models"]);
    }, 60_000);
    afterAll(async () => {
      await s3.stop();
    });

    it("an S3 answer that will not change (no such key) is not transient", async () => {
      const client = new S3Client(s3ClientConfig(s3SettingsFromEnv(s3.env)));
      const error = await client.send(new GetObjectCommand({ Bucket: "models", Key: "missing" })).catch((e: unknown) => e);
      client.destroy();
      expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(404);
      expect(isTransient(error)).toBe(false);
    });
  });

  describe.skipIf(!postgresAvailable())("on PostgreSQL", () => {
    let server: PostgresServer;
    beforeAll(async () => {
      server = await startPostgres();
    }, 120_000);
    afterAll(() => server?.stop());

    it("a session the server terminates is transient, a bad query is not", async () => {
      const client = new pg.Client({ connectionString: server.url() });
      client.on("error", () => {});
      await client.connect();
      const bad = await client.query("SELECT * FROM no_such_table").catch((e: unknown) => e);
      expect((bad as { code: string }).code).toBe("42P01");
      expect(isTransient(bad)).toBe(false);
      const killed = await client.query("SELECT pg_terminate_backend(pg_backend_pid())").catch((e: unknown) => e);
      expect((killed as { code: string }).code).toBe("57P01");
      expect(isTransient(killed)).toBe(true);
      await client.end().catch(() => {});
    });
  });
});

describe("runAttempts", () => {
  it("tries again after a lost connection and reports the failed attempt", async () => {
    const refused = await refusedConnection();
    const retried: string[] = [];
    let calls = 0;
    const result = await runAttempts(
      "register.m",
      { timeoutMs: 60_000, retries: 2, retryDelayMs: 0 },
      { retries: true },
      async () => {
        calls++;
        if (calls === 1) throw refused;
        return "registered";
      },
      { retrying: (failure, of) => retried.push(`${failure.attempt} of ${of}: ${failure.error}`) },
    );
    expect(result).toMatchObject({ value: "registered", attempts: 2 });
    expect(retried).toEqual([`1 of 3: ${refused.message}`]);
  });
});
