import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./support/build-server.js";
import { copyConformance } from "./support/fixtures.js";
import { LspClient } from "./support/lsp-client.js";

interface PlanShape {
  pipeline: { name: string };
  env: string | null;
  steps: Array<{ id: string; kind: string }>;
}

let client: LspClient;
let ws: string;
let fraudUri: string;

beforeAll(async () => {
  ws = copyConformance();
  client = await LspClient.start(await buildServer(), { rootPath: ws });
  fraudUri = await client.open(join(ws, "valid/fraud.mlops"));
});
afterAll(async () => {
  await client?.stop();
});

describe("mlops/plan and mlops/render over stdio", () => {
  it("compiles the document's plan for the default params and for an env", async () => {
    const { plan } = await client.request<{ plan: PlanShape }>("mlops/plan", { uri: fraudUri, env: null });
    expect(plan.pipeline.name).toBe("fraud_detection");
    expect(plan.env).toBeNull();
    expect(plan.steps.map((s) => s.kind)).toContain("train");
    const prod = await client.request<{ plan: PlanShape }>("mlops/plan", { uri: fraudUri, env: "prod" });
    expect(prod.plan.env).toBe("prod");
  });

  it("answers a clear error for a program with errors or an unknown env", async () => {
    const uri = await client.open(join(ws, "invalid/unknown_reference.mlops"));
    await expect(client.request("mlops/plan", { uri, env: null })).rejects.toThrow(
      /the program has 1 error, so it has no plan:\nunknown_reference.mlops:19:13: `amount` is not a column/,
    );
    await expect(client.request("mlops/plan", { uri: fraudUri, env: "qa" })).rejects.toThrow(
      /there is no env `qa` \(declared: prod, staging\)/,
    );
  });

  it("renders Kubernetes manifests with one overlay per env, and Airflow and Docker files", async () => {
    const k8s = await client.request<{ files: Array<{ path: string; content: string }> }>("mlops/render", {
      uri: fraudUri,
      env: null,
      target: "kubernetes",
    });
    const paths = k8s.files.map((f) => f.path);
    expect(paths.some((p) => p.startsWith("base/"))).toBe(true);
    expect(paths.some((p) => p.startsWith("overlays/prod/"))).toBe(true);
    expect(paths.some((p) => p.startsWith("overlays/staging/"))).toBe(true);
    const airflow = await client.request<{ files: Array<{ path: string }> }>("mlops/render", {
      uri: fraudUri,
      env: "prod",
      target: "airflow",
    });
    expect(airflow.files.some((f) => f.path.endsWith(".py"))).toBe(true);
    const docker = await client.request<{ files: Array<{ path: string }> }>("mlops/render", { uri: fraudUri, env: null, target: "docker" });
    expect(docker.files.map((f) => f.path)).toContain("Dockerfile");
  });
});
