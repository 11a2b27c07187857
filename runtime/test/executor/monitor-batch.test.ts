/**
 * A monitor of a batch deployment: `window` keeps the input rows whose timestamp column is recent,
 * and delayed labels joined on a business key make the model's metrics signals.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyExample, edit, mlops, removeProjects } from "./support/projects.js";
import { runJson } from "./support/run-json.js";

afterAll(removeProjects);

const MONITOR = `
source lab_results {
  format = csv
  path   = "data/lab.csv"
  schema {
    flower_id: string
    species:   enum("setosa", "versicolor", "virginica")?
  }
}

monitor nightly_watch {
  deployment = species_scores
  reference  = training
  window     = 2d
  schedule   = every(1d)
  labels     = { source = lab_results, key = flower_id }
  drift petal_length: ks < 0.05
  when accuracy < 90% => rollback(species_scores)
}
`;

interface Report {
  current: string;
  currentRows: number;
  labelledRows?: number;
  signals: Record<string, number | null>;
  policies: Array<{ policy: string; acted: boolean; outcome?: string }>;
}

describe("monitoring a batch deployment", () => {
  it("windows the input on its timestamp column and measures accuracy from labels joined on a key", async () => {
    const dir = copyExample("iris");
    edit(
      dir,
      "iris.mlops",
      "    petal_width:  float\n  }\n}",
      "    petal_width:  float\n    flower_id:    string\n    measured_at:  timestamp\n  }\n}",
    );
    appendFileSync(join(dir, "iris.mlops"), MONITOR);
    // 150 measurements: the first 100 in the last day, the other 50 ten days old
    const rows = readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1, 151);
    const now = Date.now();
    const species: string[] = [];
    const lines = rows.map((row, i) => {
      const [sl, sw, pl, pw, s] = row.split(",");
      species.push(s!);
      const at = new Date(now - (i < 100 ? 3_600_000 : 10 * 86_400_000)).toISOString();
      return JSON.stringify({
        sepal_length: +sl!,
        sepal_width: +sw!,
        petal_length: +pl!,
        petal_width: +pw!,
        flower_id: `f${i}`,
        measured_at: at,
      });
    });
    writeFileSync(join(dir, "data/incoming.jsonl"), `${lines.join("\n")}\n`);
    // lab results for 60 of the recent flowers (and some old ones, outside the window)
    const labelled = [...Array.from({ length: 60 }, (_, i) => i), 120, 121];
    writeFileSync(join(dir, "data/lab.csv"), `flower_id,species\n${labelled.map((i) => `f${i},${species[i]}`).join("\n")}\nf99,\n`);
    expect((await runJson(["run", dir])).code).toBe(0);

    const result = await mlops(["monitor", dir, "--exit-code"], undefined, {});
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, ".mlops/reports/monitor.nightly_watch/monitor.json"), "utf8")) as Report;
    expect(report.currentRows).toBe(100);
    expect(report.current).toBe("source new_flowers (data/incoming.jsonl, 100 of 150 rows with measured_at in the window)");
    expect(report.labelledRows).toBe(60);
    expect(report.signals.accuracy).toBeGreaterThan(0.9);
    expect(report.signals.macro_f1).not.toBeNull();
    expect(report.policies[0]).toMatchObject({ acted: false });
  });
});
