/** The `mlops` CLI from the TypeScript sources (spawned by tests: `node --conditions=source --import tsx mlops.ts ARGS`). */
import { main } from "../../../../compiler/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
