/** `mlops models export`: the model graph of a registered version and its model card. */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ModelCard } from "../../src/export/model-card.js";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startS3 } from "../../../test/support/s3-server.js";
import { s3ClientConfig, s3SettingsFromEnv } from "../../src/store/s3/s3-client-config.js";
import { PYTHON } from "../support/python-reference.js";
import { copyExample, mlops, removeProjects } from "./support/projects.js";
import { runJson } from "./support/run-json.js";

afterAll(removeProjects);

describe("mlops models export", () => {
  it("writes model.onnx and a model card (task, inputs, metrics, gate, hashes, training, lineage)", { timeout: 180_000 }, async () => {
    const dir = copyExample("fraud");
    const run = await runJson(["run", dir]);
    expect(run.code).toBe(0);
    const out = join(dir, "exported");
    const exported = await mlops(["models", "export", "fraud_clf@production", "-o", out, "--project", dir]);
    expect(exported.stderr).toBe("");
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain("exported fraud_clf v1");

    const card = JSON.parse(readFileSync(join(out, "model-card.json"), "utf8")) as ModelCard;
    expect(card.task).toBe("binary_classification");
    expect(card.classes).toEqual(["false", "true"]);
    expect(card.inputs.map((i) => [i.name, i.type, i.tensor, i.null])).toEqual([
      ["amount", "float", "double", null],
      ["merchant_category", 'enum("grocery", "travel", "online", "fuel")', "string", null],
      ["hour", "int", "int64", null],
      ["country", "string?", "string", '"␀" (U+2400)'],
    ]);
    expect(card.outputs.map((o) => `${o.name}:${o.type}${o.shape}`)).toEqual([
      "label:string[N]",
      "probabilities:float32[N, 2]",
      "features:float32[N, 39]",
    ]);
    expect(card.metrics.auc).toBeGreaterThan(0.85);
    expect(card.gates).toHaveLength(1);
    expect(card.gates[0]!.gate).toBe("release");
    expect(card.gates[0]!.passed).toBe(true);
    expect(card.gates[0]!.rules.map((r) => r.rule)).toContain("auc >= params.min_auc");
    expect(card.data.transactions).toMatch(/^[0-9a-f]{64}$/);
    expect(card.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(card.training).toMatchObject({ trainer: { kind: "logistic_regression", epochs: 200, l2: 0.001 }, split: { seed: 42 } });
    expect(card.lineage.runId).toBe(run.result.runId);
    expect(card.requirements.join(" ")).toContain("MurmurHash3");
    const markdown = readFileSync(join(out, "model-card.md"), "utf8");
    expect(markdown).toContain("# fraud_clf v1");
    expect(markdown).toContain("| `country` | country | string? | string |");
    expect(markdown).toContain("**release**: passed");

    const model = join(out, "model.onnx");
    if (spawnSync(PYTHON, ["-c", "import onnx"], { stdio: "ignore" }).status === 0 || process.env.CI === "true") {
      const checked = execFileSync(
        PYTHON,
        ["-c", "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')", model],
        {
          encoding: "utf8",
        },
      );
      expect(checked.trim()).toBe("ok");
    } else {
      console.warn("onnx.checker check skipped: apt-get install -y python3-onnx");
    }

    // A fresh process with nothing but onnxruntime-node scores raw rows with the file.
    const ortPath = createRequire(import.meta.url).resolve("onnxruntime-node");
    const script = `
const ort = require(${JSON.stringify(ortPath)});
(async () => {
  const session = await ort.InferenceSession.create(${JSON.stringify(model)});
  const out = await session.run({
    amount: new ort.Tensor("float64", Float64Array.from([12.5, 4800]), [2]),
    merchant_category: new ort.Tensor("string", ["grocery", "online"], [2]),
    hour: new ort.Tensor("int64", BigInt64Array.from([14n, 3n]), [2]),
    country: new ort.Tensor("string", ["US", "\\u2400"], [2]),
  }, ["label", "probabilities"]);
  console.log(JSON.stringify({ label: out.label.data, probabilities: Array.from(out.probabilities.data) }));
})();`;
    const scored = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as {
      label: string[];
      probabilities: number[];
    };
    expect(scored.label).toHaveLength(2);
    expect(scored.probabilities).toHaveLength(4);
    expect(scored.probabilities[0]! + scored.probabilities[1]!).toBeCloseTo(1, 6);
    expect(scored.label[1]).toBe("true");

    const byVersion = await mlops(["models", "export", "fraud_clf:1", "-o", join(dir, "v1"), "--project", dir]);
    expect(byVersion.code).toBe(0);
    expect(readFileSync(join(dir, "v1", "model.onnx"))).toEqual(readFileSync(model));
    const missing = await mlops(["models", "export", "fraud_clf:7", "-o", join(dir, "v7"), "--project", dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("model fraud_clf has no version 7");
    const usage = await mlops(["models", "export", "fraud_clf", "--project", dir]);
    expect(usage.code).toBe(2);
  });

  it("writes to an S3-compatible object store with -o s3://BUCKET/PREFIX (what a KServe storageUri names)", {
    timeout: 180_000,
  }, async () => {
    const dir = copyExample("iris");
    expect((await runJson(["run", dir])).code).toBe(0);
    const s3 = await startS3(["models"]);
    try {
      const exported = await mlops(
        ["models", "export", "species_clf@production", "-o", "s3://models/iris/species/v1/", "--project", dir],
        dir,
        s3.env,
      );
      expect(exported.stderr).toBe("");
      expect(exported.code).toBe(0);
      expect(exported.stdout).toContain(
        "exported species_clf v1: s3://models/iris/species/v1/model.onnx, s3://models/iris/species/v1/model-card.json",
      );
      const local = join(dir, "exported");
      expect((await mlops(["models", "export", "species_clf@production", "-o", local, "--project", dir], dir)).code).toBe(0);
      const client = new S3Client(s3ClientConfig(s3SettingsFromEnv(s3.env)));
      for (const name of ["model.onnx", "model-card.json", "model-card.md"]) {
        const object = await client.send(new GetObjectCommand({ Bucket: "models", Key: `iris/species/v1/${name}` }));
        expect(Buffer.from(await object.Body!.transformToByteArray()).equals(readFileSync(join(local, name))), name).toBe(true);
      }
      client.destroy();
      const missing = await mlops(["models", "export", "species_clf", "-o", "s3://no-such-bucket/x", "--project", dir], dir, s3.env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("mlops models export: cannot write s3://no-such-bucket/x/model.onnx:");
      const other = await mlops(["models", "export", "species_clf", "-o", "gs://models/x", "--project", dir], dir, s3.env);
      expect(other.code).toBe(2);
      expect(other.stderr).toContain("give a folder or an s3://bucket/prefix");
    } finally {
      await s3.stop();
    }
  });
});
