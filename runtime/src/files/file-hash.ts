import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** sha256 (hex) of a regular file's bytes, streamed. A device, FIFO or directory is an error (it may never end). */
export async function hashFile(path: string): Promise<string> {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before the check below refuses it.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${path} is not a regular file`);
    const hash = createHash("sha256");
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    return hash.digest("hex");
  } finally {
    await handle.close();
  }
}
