/**
 * Sharing: the project's files in the URL fragment, deflated with the
 * browser's own `CompressionStream` and written as base64url. The fragment
 * never leaves the browser (it is not sent to the server), so a link carries
 * the code and nothing stores it.
 */
import { FILE_NAME, type ProjectSnapshot } from "./project.js";

const PREFIX = "#project=";
/** A link decompresses to at most this much text: a hostile link cannot fill the memory. */
const MAX_TEXT = 4 * 1024 * 1024;

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(transform).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`the shared project is larger than ${MAX_TEXT / 1024 / 1024} MB`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The fragment (`#project=...`) that reopens `snapshot`. */
export async function encodeProject(snapshot: ProjectSnapshot): Promise<string> {
  const json = JSON.stringify({ v: 1, files: snapshot.files, active: snapshot.active });
  const compressed = await pipe(new TextEncoder().encode(json), new CompressionStream("deflate-raw"));
  return PREFIX + toBase64Url(compressed);
}

/** The project in a fragment; undefined when the fragment holds none; throws with a plain message when it is damaged. */
export async function decodeProject(hash: string): Promise<ProjectSnapshot | undefined> {
  if (!hash.startsWith(PREFIX)) return undefined;
  let parsed: unknown;
  try {
    const bytes = await pipe(fromBase64Url(hash.slice(PREFIX.length)), new DecompressionStream("deflate-raw"), MAX_TEXT);
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`the link's project cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const value = parsed as { v?: unknown; files?: unknown; active?: unknown };
  if (value.v !== 1 || typeof value.files !== "object" || value.files === null)
    throw new Error("the link's project is not one this playground wrote");
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(value.files)) if (FILE_NAME.test(name) && typeof text === "string") files[name] = text;
  if (Object.keys(files).length === 0) throw new Error("the link's project has no files");
  return { files, active: typeof value.active === "string" ? value.active : Object.keys(files)[0]! };
}
