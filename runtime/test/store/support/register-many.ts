// Child for the concurrency test: registers N versions of one model in the shared database.
import { openDatabaseUrl } from "./backends.js";

const [url, tag, count] = process.argv.slice(2) as [string, string, string];
const store = await openDatabaseUrl(url, { user: tag });
const versions: number[] = [];
for (let i = 0; i < Number(count); i++) {
  versions.push((await store.registry.registerVersion({ model: "m", artifactHash: `${tag}-${i}` })).version);
}
await store.close();
process.stdout.write(JSON.stringify(versions));
