// Child for the lease tests: tries to take the lease `argv[3]` once and prints the outcome as JSON;
// then, with `argv[4] === "die"`, dies with SIGKILL while holding it, else keeps it (alive) until
// its stdin closes, so every taker has asked while the holder was alive.
import { openDatabaseUrl } from "./backends.js";

const store = await openDatabaseUrl(process.argv[2]!);
const result = await store.acquireLease(process.argv[3]!);
process.stdout.write(`${JSON.stringify({ pid: process.pid, acquired: result.acquired })}\n`);
if (process.argv[4] === "die") process.kill(process.pid, "SIGKILL");
process.stdin.resume();
await new Promise((resolve) => process.stdin.on("end", resolve));
await store.close();
