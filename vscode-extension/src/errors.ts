/** LSP `RequestCancelled`: what a request rejects with after the user cancelled it. */
const requestCancelled = -32800;

/** The human-readable text of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when the user cancelled the request: nothing to report. */
export function isCancellation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  return (error as { code?: unknown }).code === requestCancelled || (error as { name?: unknown }).name === "Canceled";
}
