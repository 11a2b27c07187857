import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serializePlan } from "@mlops/compiler";
import { compilePlan, repoRoot } from "./compile-plan.js";

// Golden plans of the examples: reviewed once, then guarded against unintended
// change. After an intended change: `npx vitest run compiler/test/plan -u`.
describe("golden plans of the examples", () => {
  it.each([
    ["credit", "credit/credit.mlops", undefined],
    ["credit.strict", "credit/credit.mlops", "strict"],
    ["fraud", "fraud/fraud.mlops", undefined],
    ["fraud.prod", "fraud/fraud.mlops", "prod"],
    ["house-prices", "house-prices/house-prices.mlops", undefined],
    ["iris", "iris/iris.mlops", undefined],
  ])("%s", async (name, file, env) => {
    const plan = compilePlan(join(repoRoot, "examples", file), env);
    // The compiler version is part of the plan; keep goldens independent of releases.
    const text = serializePlan({ ...plan, compiler: { name: "mlops", version: "GOLDEN" } });
    await expect(text).toMatchFileSnapshot(join(repoRoot, "test", "golden", "plans", `${name}.json`));
  });
});
