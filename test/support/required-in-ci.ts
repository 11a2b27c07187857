/**
 * Whether a reference tool a test needs is installed. Locally a missing one skips the test with one
 * line saying what to install; in CI (`CI=true`, where .ci/run installs it) it is an error, never a skip.
 */
export function requiredInCi(available: boolean, what: string, install: string): boolean {
  if (available) return true;
  if (process.env.CI === "true") throw new Error(`${what} is missing in CI (${install}; .ci/run installs it)`);
  console.warn(`skipped: ${what} is missing (${install})`);
  return false;
}
