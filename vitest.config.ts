import { defineConfig } from "vitest/config";

// Tests run against TypeScript sources: the "source" export condition maps
// every workspace package to its src/ (see each package.json "exports").
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    include: ["{compiler,runtime,language-server,vscode-extension,playground,test}/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // .ci/run asks for a JSON report to print its plain `N passed, N failed` line.
    reporters: process.env.MLOPS_TEST_REPORT ? ["default", ["json", { outputFile: process.env.MLOPS_TEST_REPORT }]] : ["default"],
  },
});
