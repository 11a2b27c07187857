import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** sha256 (hex) of a file's bytes, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
