/** The deploy step with two deployments of one model: both follow its `production` alias. */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyExample, removeProjects } from "./support/projects.js";
import { runJson } from "./support/run-json.js";

afterAll(removeProjects);

describe("deploy", () => {
  it("moves production once when two deployments of one model deploy at once; the other says it already is", async () => {
    const dir = copyExample("iris");
    appendFileSync(join(dir, "iris.mlops"), "\ndeploy species_scores_eu extends nightly_batch {\n  model = species_clf\n  gate  = ok\n}\n");
    const { code, result } = await runJson(["run", dir, "--concurrency", "2"]);
    expect(code).toBe(0);
    const summaries = result.steps
      .filter((s) => s.kind === "deploy")
      .map((s) => s.summary)
      .sort();
    expect(summaries).toEqual(["v1 already production", "v1 → production"]);
  });
});
