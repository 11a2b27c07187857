// Child for the atomic-write test: streams an endless artifact into the store until it is killed.
import { FileArtifactStore } from "../../../src/store/file/file-artifact-store.js";

async function* endless(): AsyncGenerator<Uint8Array> {
  for (;;) {
    yield new Uint8Array(64 * 1024).fill(7);
    process.stdout.write(".");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

await (await FileArtifactStore.open(process.argv[2]!)).putStream(endless());
