// Checks the paths a renderer returns before anything is written (no VS Code API: unit-testable).

/** The path's segments if it is a relative path that stays inside the output folder, else undefined. */
export function safeRelativeSegments(path: string): string[] | undefined {
  if (path === "" || path.startsWith("/") || path.includes("\\") || /^[A-Za-z]:/.test(path) || path.includes("\0")) {
    return undefined;
  }
  const segments = path.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.length === 0 || segments.includes("..")) return undefined;
  return segments;
}
