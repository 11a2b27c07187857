/** `mlops runs compare RUN RUN…`: params, trainer and metrics side by side, what differs marked. */
import { afterAll, describe, expect, it } from "vitest";
import { copyExample, edit, mlops, removeProjects } from "../executor/support/projects.js";
import { runJson } from "../executor/support/run-json.js";

afterAll(removeProjects);

describe("mlops runs compare", () => {
  it("marks the hyperparameter and the metrics that changed between two runs, and nothing else", { timeout: 180_000 }, async () => {
    const dir = copyExample("iris");
    const first = await runJson(["run", dir]);
    edit(dir, "iris.mlops", "epochs = 300 }", "epochs = 300, l2 = 0.01 }");
    const second = await runJson(["run", dir]);
    const [a, b] = [first.result.runId, second.result.runId];
    const text = await mlops(["runs", "compare", a, b, "--project", dir]);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n");
    const line = (label: string) => lines.find((l) => l.startsWith(`≠ ${label} `) || l.startsWith(`  ${label} `));
    expect(lines.find((l) => l.includes(a) && l.includes(b))).toBeDefined();
    expect(line("l2")).toMatch(/^≠ l2\s+0\s+0\.01$/);
    expect(line("epochs")).toMatch(/^ {2}epochs\s+300\s+300$/);
    expect(line("trainer")).toMatch(/^ {2}trainer\s+softmax_regression\s+softmax_regression$/);
    expect(line("log_loss")).toMatch(/^≠ log_loss/);
    expect(line("accuracy (gate)")).toBeDefined();
    expect(line("plan")).toMatch(/^≠ plan/);
    expect(line("started")).toMatch(/^ {2}started/);
    expect(text.stdout).toMatch(/\d+ rows differ \(≠\)\n$/);

    const json = JSON.parse((await mlops(["runs", "compare", a, b, "--json", "--project", dir])).stdout) as {
      runs: string[];
      sections: Array<{ title: string; rows: Array<{ label: string; values: string[]; differs: boolean }> }>;
    };
    expect(json.runs).toEqual([a, b]);
    const trainer = json.sections.find((s) => s.title === "Model species_clf: trainer")!;
    expect(trainer.rows.filter((r) => r.differs).map((r) => r.label)).toEqual(["l2"]);

    // `latest` names the newest run, a prefix names the run it starts
    const byRef = JSON.parse((await mlops(["runs", "compare", a.slice(0, 20), "latest", "--json", "--project", dir])).stdout) as {
      runs: string[];
    };
    expect(byRef.runs).toEqual([a, b]);
    const shown = JSON.parse((await mlops(["runs", "show", "latest", "--json", "--project", dir])).stdout) as { id: string };
    expect(shown.id).toBe(b);

    expect(await mlops(["runs", "compare", a, "nope", "--project", dir])).toMatchObject({ code: 1, stderr: "mlops runs: no run nope\n" });
    expect((await mlops(["runs", "compare", a, "--project", dir])).code).toBe(2);

    // `runs show` lists every metric of the evaluation, the gate's first
    const show = (await mlops(["runs", "show", b, "--project", dir])).stdout;
    const listed = show
      .slice(show.indexOf("metrics of species_clf on the test split:"))
      .split("\n")
      .slice(3)
      .filter((l) => l.trim() !== "")
      .map((l) => l.split(/\s+/)[0]);
    expect(listed.slice(0, 2)).toEqual(["accuracy", "macro_f1"]);
    expect(listed).toContain("log_loss");
    expect(show).toMatch(/^accuracy\s+[\d.]+\s+gate$/m);
  });
});
