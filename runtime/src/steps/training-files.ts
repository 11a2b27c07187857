/** The training data an external trainer reads: one CSV per split. */
import { writeRecords } from "../data/record-writer.js";
import type { CellValue } from "../data/dataset.js";
import type { FeatureMatrix } from "../features/feature-pipeline.js";

/** Feature columns named by their labels, then the target (class index for classification). */
export async function writeMatrix(path: string, matrix: FeatureMatrix, target: Float32Array, targetName: string): Promise<void> {
  const labels = matrix.inputs.flatMap((s) => s.labels);
  const columns = [...labels, targetName];
  function* rows(): Generator<Record<string, CellValue>> {
    for (let i = 0; i < matrix.rows; i++) {
      const record: Record<string, CellValue> = {};
      for (let j = 0; j < matrix.width; j++) record[labels[j]!] = matrix.data[i * matrix.width + j]!;
      record[targetName] = target[i]!;
      yield record;
    }
  }
  await writeRecords(path, "csv", columns, rows());
}
