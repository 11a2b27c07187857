// Child process for the memory test: reads the CSV given as argv[2] and prints rows and peak RSS.
import { dirname, basename } from "node:path";
import { readSource } from "../../../src/data/read-source.js";
import { largeSource } from "./large-csv.js";

const file = process.argv[2]!;
const progress: Array<{ rows: number; bytes?: number }> = [];
const { dataset } = await readSource(largeSource(basename(file)), dirname(file), { onProgress: (p) => progress.push(p) });
const maxRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(
  JSON.stringify({
    rows: dataset.rowCount,
    columns: dataset.columns.length,
    maxRssBytes,
    progress: progress.slice(-1)[0],
    progressCalls: progress.length,
  }),
);
