import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

describe("the repository's own .mlops files", () => {
  it("are in the canonical layout (mlops fmt --check)", () => {
    const r = runCli(["fmt", "--check", "examples", "stdlib"]);
    expect(r.stdout, "files that `mlops fmt` would change").toBe("");
    expect(r.status).toBe(0);
  });
});
