/** Reading progress, reported every few tens of thousands of rows. */
export interface ReadProgress {
  rows: number;
  /** Bytes of the file consumed so far, when the reader knows it. */
  bytes?: number;
}

export type ProgressListener = (progress: ReadProgress) => void;
