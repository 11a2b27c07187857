import type { BadRowReport } from "./bad-rows.js";

export type DataErrorCode =
  | "file-not-found"
  | "outside-project"
  | "not-a-file"
  | "missing-column"
  | "unknown-column"
  | "duplicate-column"
  | "bad-rows"
  | "parse-error"
  | "invalid-record";

/** A data problem the user must fix; the message says what and where (file, row, column). */
export class DataError extends Error {
  override readonly name = "DataError";
  constructor(
    readonly code: DataErrorCode,
    message: string,
    readonly file: string | null,
    readonly badRows?: BadRowReport,
  ) {
    super(message);
  }
}
