#!/usr/bin/env node
import { main } from "../dist/cli/main.js";

// The reader went away (`mlops check … | head -1`): stop quietly with the status a process
// killed by SIGPIPE has, instead of an unhandled EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(141);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
