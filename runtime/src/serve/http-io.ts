/**
 * The HTTP plumbing every route shares: reading a JSON body within limits (size, nesting depth,
 * content type) and writing JSON answers. A bad request becomes an `HttpError` with its 4xx status;
 * nothing here throws anything else for any input.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** A client error (or a not-ready 503) with the status and the message to send back. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface BodyLimits {
  /** Largest accepted body in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Deepest accepted nesting of JSON arrays and objects (400 beyond). */
  maxJsonDepth: number;
}

/**
 * The parsed JSON body. 415 unless the content type is `application/json` (UTF-8); 413 when the
 * declared or received length exceeds the limit (reading stops there); 400 for an empty body,
 * invalid UTF-8, nesting deeper than the limit, or invalid JSON (with the position).
 */
export async function readJsonBody(request: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  requireJsonContentType(request.headers["content-type"]);
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
  const body = await readBody(request, limits.maxBodyBytes);
  if (body.length === 0) throw new HttpError(400, "the request body is empty; send a JSON object");
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw new HttpError(400, "the request body is not valid UTF-8");
  }
  const depth = jsonDepth(text, limits.maxJsonDepth);
  if (depth > limits.maxJsonDepth) throw new HttpError(400, `the JSON body is nested deeper than ${limits.maxJsonDepth} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function requireJsonContentType(header: string | undefined): void {
  if (header === "application/json") return; // what nearly every client sends: no parsing
  if (header === undefined) throw new HttpError(415, "missing Content-Type: send the body as application/json");
  const [type, ...params] = header.split(";").map((p) => p.trim().toLowerCase());
  if (type !== "application/json") throw new HttpError(415, `unsupported Content-Type ${quoteHeader(header)}: send application/json`);
  const charset = params.find((p) => p.startsWith("charset="));
  if (charset !== undefined && !["charset=utf-8", 'charset="utf-8"', "charset=utf8"].includes(charset))
    throw new HttpError(415, `unsupported ${charset}: send UTF-8 JSON`);
}

function quoteHeader(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `the request body is larger than ${limit} bytes (the server's --max-body-bytes)`, { connection: "close" });
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: Error | null): void => {
      if (done) return;
      done = true;
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
      request.off("aborted", onAborted);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        request.pause();
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(null);
    const onError = (error: Error): void => finish(new HttpError(400, `the request body could not be read: ${error.message}`));
    const onAborted = (): void => finish(new HttpError(400, "the client aborted the request"));
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
    request.on("aborted", onAborted);
  });
}

/**
 * The nesting depth of JSON text (arrays and objects), stopping as soon as it passes `limit`.
 * Strings are skipped with their escapes, so brackets inside them do not count.
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

/** Sends `body` as JSON with `status`; `extraHeaders` may add e.g. `connection: close`. */
export function sendJson(response: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...extraHeaders,
  });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, text: string, contentType: string): void {
  response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** What a JSON value is, in words, for messages (`a string`, `a list`, `null`). */
export function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
